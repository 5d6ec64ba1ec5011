import { NextResponse } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getRunView } from "@/lib/data/run-view";
import { readTelemetryOrNull } from "@/lib/control-plane/telemetry";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** The run as the run page shows it; polled by every viewer for live updates. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return NextResponse.json({ message: "Not a run id." }, { status: 400 });
  const actor = await currentActor();
  if (!actor) return NextResponse.json({ message: "Sign in to see this run." }, { status: 401 });
  if (!can(actor, "run.view")) {
    log.warn("route.refused", { route: "GET /api/runs/[id]", actorId: actor.id });
    return NextResponse.json({ message: "You do not have permission to see runs." }, { status: 403 });
  }
  const view = await getRunView(actor, id.data, await readTelemetryOrNull());
  if (!view) return NextResponse.json({ message: "There is no such run." }, { status: 404 });
  return NextResponse.json(view, { headers: { "Cache-Control": "private, no-store" } });
}
