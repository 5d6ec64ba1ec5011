import { verifyChainAction } from "@/lib/audit/actions";
import { json } from "@/lib/audit/http";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { routeAction } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/** Walks the whole chain (recorded as "audit.chain.verified"): OK with the count and head, or the first broken event. */
export const POST = routeAction({ endpoint: "POST /api/audit/verify", maxBytes: BODY_LIMITS.action, rateLimit: LIMITS.verify }, verifyChainAction, { input: () => ({}), respond: json });
