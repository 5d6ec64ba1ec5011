import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { incidentBoard } from "@/lib/data/incident-board";

export const dynamic = "force-dynamic";

/** The incident commander's screen as data: the prerendered /incidents page polls it every few seconds while visible. */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "incident.view", "GET /api/incidents/board", req.headers);
  if (!actor || refused) return refused!;
  return NextResponse.json(await incidentBoard(actor), { headers: { "Cache-Control": "private, no-store" } });
}
