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
  return NextResponse.json(await runbookMaintenance(), { headers: { "Cache-Control": "private, max-age=5" } });
}
