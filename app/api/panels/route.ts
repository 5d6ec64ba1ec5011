import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { log } from "@/lib/log";
import { sharedPanels } from "@/lib/telemetry/read";

export const dynamic = "force-dynamic";

/**
 * The live panels, thresholds evaluated, for every viewer from the one shared, briefly cached control-plane read:
 * polling viewers add no upstream calls. `stale`/`error` say when the control plane could not be reached.
 */
export async function GET() {
  const actor = await currentActor();
  if (!actor) return NextResponse.json({ message: "Sign in to see the panels." }, { status: 401, headers: { "Cache-Control": "no-store" } });
  if (!can(actor, "panels.view")) {
    log.warn("route.refused", { route: "GET /api/panels", actorId: actor.id });
    return NextResponse.json({ message: "You do not have permission to see the panels." }, { status: 403, headers: { "Cache-Control": "no-store" } });
  }
  const { json } = await sharedPanels().read();
  return new Response(json, { headers: { "Content-Type": "application/json", "Cache-Control": "private, no-store" } });
}
