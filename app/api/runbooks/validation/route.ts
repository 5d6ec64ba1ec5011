import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { latestDrills } from "@/lib/data/drills";

export const dynamic = "force-dynamic";

/** The latest finished drill per runbook: the index's validation column adds it beside the seed's record. */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "runbook.view", "GET /api/runbooks/validation", req.headers);
  if (refused) return refused;
  // Not cached: a drill finished a moment ago must show when its runner comes back to the index.
  return NextResponse.json(await latestDrills(), { headers: { "Cache-Control": "private, no-store" } });
}
