import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { runbookMaintenance } from "@/lib/reviews/maintenance";

export const dynamic = "force-dynamic";

/** Each runbook's review schedule and open gaps: the prerendered index page loads them after the page. */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "runbook.view", "GET /api/runbooks/maintenance", req.headers);
  if (refused) return refused;
  // Not cached: a review recorded a moment ago must show when the person comes back to the index.
  return NextResponse.json(await runbookMaintenance(), { headers: { "Cache-Control": "private, no-store" } });
}
