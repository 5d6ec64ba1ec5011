import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { latestDrills } from "@/lib/data/drills";
import { runbookMaintenance } from "@/lib/reviews/maintenance";
import type { RunbookUpkeep } from "@/lib/client/runbooks";

export const dynamic = "force-dynamic";

/**
 * What the prerendered index loads after the page for its validation column: each runbook's review schedule and
 * open gaps, and its latest finished drill. One request, not two: on a phone every request the page starts costs
 * main-thread time, and each answer would be drawn on its own (docs/benchmarks.md, "Phone main thread").
 */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "runbook.view", "GET /api/runbooks/upkeep", req.headers);
  if (refused) return refused;
  const [maintenance, drills] = await Promise.all([runbookMaintenance(), latestDrills()]);
  const upkeep: RunbookUpkeep = { maintenance, drills };
  // Not cached: a review recorded or a drill finished a moment ago must show when the person comes back to the index.
  return NextResponse.json(upkeep, { headers: { "Cache-Control": "private, no-store" } });
}
