import { currentActor } from "@/lib/auth/session";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { verifyChainAction } from "@/lib/audit/actions";
import { json } from "@/lib/audit/http";

export const dynamic = "force-dynamic";

/** Walks the whole chain (recorded as "audit.chain.verified"): OK with the count and head, or the first broken event. */
export async function POST() {
  const result = await executeAction(verifyChainAction, await currentActor().catch(() => null), {});
  return json(result, { status: result.ok ? 200 : HTTP_STATUS[result.code] });
}
