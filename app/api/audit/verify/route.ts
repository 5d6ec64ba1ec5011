import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { verifyChainAction } from "@/lib/audit/actions";
import { json } from "@/lib/audit/http";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { jsonRoute } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/** Walks the whole chain (recorded as "audit.chain.verified"): OK with the count and head, or the first broken event. */
export const POST = jsonRoute({ endpoint: "POST /api/audit/verify", maxBytes: BODY_LIMITS.action, rateLimit: LIMITS.verify }, async ({ actor }) => {
  const result = await executeAction(verifyChainAction, actor, {});
  return json(result, { status: result.ok ? 200 : HTTP_STATUS[result.code] });
});
