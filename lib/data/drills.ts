import "server-only";
import { db } from "../db";

export type DrillValidation = { runbookId: string; date: string; result: string; runId: string; scenario: string | null };

/** The latest finished drill per runbook: the index's validation column adds it beside the seed's record. */
export async function latestDrills(): Promise<DrillValidation[]> {
  const drills = await db().run.findMany({
    where: { drill: true, parentRunId: null, status: { in: ["COMPLETED", "ROLLED_BACK"] } },
    orderBy: { endedAt: "desc" },
    distinct: ["runbookId"],
    select: { id: true, runbookId: true, endedAt: true, status: true, drillScenario: true },
  });
  return drills.map((d) => ({ runbookId: d.runbookId, date: (d.endedAt ?? new Date()).toISOString().slice(0, 10), result: d.status === "ROLLED_BACK" ? "passed (rolled back)" : "passed", runId: d.id, scenario: d.drillScenario }));
}
