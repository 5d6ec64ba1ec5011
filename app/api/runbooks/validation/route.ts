import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export type DrillValidation = { runbookId: string; date: string; result: string; runId: string; scenario: string | null };

/** The latest finished drill per runbook: the index's validation column adds it beside the seed's record. */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "runbook.view", "GET /api/runbooks/validation", req.headers);
  if (refused) return refused;
  const drills = await db().run.findMany({
    where: { drill: true, parentRunId: null, status: { in: ["COMPLETED", "ROLLED_BACK"] } },
    orderBy: { endedAt: "desc" },
    distinct: ["runbookId"],
    select: { id: true, runbookId: true, endedAt: true, status: true, drillScenario: true },
  });
  const body: DrillValidation[] = drills.map((d) => ({ runbookId: d.runbookId, date: (d.endedAt ?? new Date()).toISOString().slice(0, 10), result: d.status === "ROLLED_BACK" ? "passed (rolled back)" : "passed", runId: d.id, scenario: d.drillScenario }));
  return NextResponse.json(body, { headers: { "Cache-Control": "private, max-age=5" } });
}
