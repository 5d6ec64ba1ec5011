import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { sharedPanels } from "@/lib/telemetry/read";

export const dynamic = "force-dynamic";

/**
 * The live panels, thresholds evaluated, for every viewer from the one shared, briefly cached control-plane read:
 * polling viewers add no upstream calls. `stale`/`error` say when the control plane could not be reached.
 */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "panels.view", "GET /api/panels", req.headers);
  if (refused) return refused;
  const { json } = await sharedPanels().read();
  return new Response(json, { headers: { "Content-Type": "application/json", "Cache-Control": "private, no-store" } });
}
