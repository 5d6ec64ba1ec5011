import { NextResponse } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { getRunView } from "@/lib/data/run-view";
import { readTelemetryOrNull } from "@/lib/control-plane/telemetry";

export const dynamic = "force-dynamic";

/** The run as the run page shows it; polled by every viewer for live updates. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return NextResponse.json({ message: "Not a run id." }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "run.view", "GET /api/runs/[id]", req.headers);
  if (!actor || refused) return refused!;
  const view = await getRunView(actor, id.data, await readTelemetryOrNull());
  if (!view) return NextResponse.json({ message: "There is no such run." }, { status: 404 });
  return NextResponse.json(view, { headers: { "Cache-Control": "private, no-store" } });
}
