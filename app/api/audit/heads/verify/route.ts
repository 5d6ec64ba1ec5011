import { verifyHeadAction } from "@/lib/audit/actions";
import { json } from "@/lib/audit/http";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { routeAction } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/** Verifies the log against an exported head (the body is the exported head's JSON, or an evidence bundle). */
export const POST = routeAction({ endpoint: "POST /api/audit/heads/verify", maxBytes: BODY_LIMITS.webhook, rateLimit: LIMITS.verify }, verifyHeadAction, {
  input: ({ text }) => ({ head: text }),
  respond: json,
});
