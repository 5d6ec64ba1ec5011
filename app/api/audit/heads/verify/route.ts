import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { verifyHeadAction } from "@/lib/audit/actions";
import { json } from "@/lib/audit/http";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { jsonRoute } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/** Verifies the log against an exported head (the body is the exported head's JSON, or an evidence bundle). */
export const POST = jsonRoute({ endpoint: "POST /api/audit/heads/verify", maxBytes: BODY_LIMITS.webhook, rateLimit: LIMITS.verify }, async ({ actor, text }) => {
  const result = await executeAction(verifyHeadAction, actor, { head: text });
  return json(result, { status: result.ok ? 200 : HTTP_STATUS[result.code] });
});
