import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";

export const dynamic = "force-dynamic";

export type DrillValidation = { runbookId: string; date: string; result: string; runId: string; scenario: string | null };

/** The latest finished drill per runbook: the index's validation column adds it beside the seed's record. */
export async function GET() {
  const actor = await currentActor();
  if (!actor) return NextResponse.json({ message: "Sign in first." }, { status: 401 });
  if (!can(actor, "runbook.view")) return NextResponse.json({ message: "You may not see runbooks." }, { status: 403 });
  const drills = await db().run.findMany({
    where: { drill: true, parentRunId: null, status: { in: ["COMPLETED", "ROLLED_BACK"] } },
    orderBy: { endedAt: "desc" },
    distinct: ["runbookId"],
    select: { id: true, runbookId: true, endedAt: true, status: true, drillScenario: true },
  });
  const body: DrillValidation[] = drills.map((d) => ({ runbookId: d.runbookId, date: (d.endedAt ?? new Date()).toISOString().slice(0, 10), result: d.status === "ROLLED_BACK" ? "passed (rolled back)" : "passed", runId: d.id, scenario: d.drillScenario }));
  return NextResponse.json(body, { headers: { "Cache-Control": "private, max-age=5" } });
}
