import { currentActor } from "@/lib/auth/session";
import { signHeadAction } from "@/lib/audit/actions";
import { exportHead } from "@/lib/audit/heads";
import { listChainHeads } from "@/lib/data/audit";
import { json } from "@/lib/audit/http";
import { readRefusal } from "@/lib/http/read-access";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { routeAction } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/** Recorded heads, newest first, with whether each signature verifies with this server's key. */
export async function GET() {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "audit.verify", "GET /api/audit/heads");
  if (refused) return refused;
  const heads = (await listChainHeads(actor!)) ?? [];
  return json({ heads: heads.map((h) => ({ ...exportHead(h), signatureValid: h.signatureValid })) });
}

/** Signs a head now (body: optional {"note": "…"}), after verifying the events since the previous head. */
export const POST = routeAction({ endpoint: "POST /api/audit/heads", maxBytes: BODY_LIMITS.action, rateLimit: LIMITS.verify }, signHeadAction, {
  input: ({ body }) => body ?? {},
  status: (data) => (data.signed ? 201 : 409),
  respond: json,
});
