import { currentActor } from "@/lib/auth/session";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { verifyHeadAction } from "@/lib/audit/actions";
import { json } from "@/lib/audit/http";

export const dynamic = "force-dynamic";

/** Verifies the log against an exported head (the body is the exported head's JSON, or an evidence bundle). */
export async function POST(req: Request) {
  const head = await req.text();
  const result = await executeAction(verifyHeadAction, await currentActor().catch(() => null), { head });
  return json(result, { status: result.ok ? 200 : HTTP_STATUS[result.code] });
}
