import "server-only";
import { db } from "../db";
import { can, holdsOneOf } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { getRunbook } from "../runbooks";
import { currentStep } from "../runs/machine";
import { loadRunsInProgress } from "../stores/runs";
import { waitingOn, type WaitingStep } from "../runs/waiting";
import { orderIncidents } from "../incidents/severity";
import { listIncidents, type IncidentSummary } from "./incidents";

/** An open incident as the start page lists it: the list's fields, with the suggested runbook spelled out. */
export type HomeIncident = Pick<IncidentSummary, "id" | "title" | "severity" | "status" | "source" | "detectedAt" | "responseMinutes"> & {
  suggested: { id: string; title: string; responseLabel: string } | null;
  /** The person may start the suggested runbook (run.start and one of its start roles). */
  mayStart: boolean;
  /** A run in progress linked to the incident (the suggested runbook's first): "Open run" instead of "Start". */
  openRun: { id: string; runbookId: string } | null;
};

export type MyRun = { id: string; runbookId: string; title: string; drill: boolean; startedAt: string; current: { number: number; title: string } | null };

export type HomeView = {
  incidents: HomeIncident[] | null;
  waiting: WaitingStep[];
  myRuns: MyRun[];
  counts: { openIncidents: number; waitingOnMe: number };
  serverTime: string;
};

/** What needs this person now: open incidents (if they may see incidents), steps waiting on them, their runs in progress. */
export async function homeView(actor: Actor): Promise<HomeView> {
  const client = db();
  const [open, runs] = await Promise.all([
    can(actor, "incident.view") ? listIncidents(actor, { open: true }) : Promise.resolve(null),
    can(actor, "run.view") ? loadRunsInProgress(client) : Promise.resolve([]),
  ]);
  const incidents = open
    ? orderIncidents(open).map((i): HomeIncident => {
        const rb = i.suggestedRunbookId ? getRunbook(i.suggestedRunbookId) : undefined;
        const linked = runs.filter((r) => r.run.incidentId === i.id && !r.run.parentRunId);
        const openRun = linked.find((r) => r.run.runbookId === rb?.id) ?? linked[0];
        return {
          id: i.id,
          title: i.title,
          severity: i.severity,
          status: i.status,
          source: i.source,
          detectedAt: i.detectedAt,
          responseMinutes: i.responseMinutes,
          suggested: rb ? { id: rb.id, title: rb.title, responseLabel: rb.responseTime.label } : null,
          mayStart: Boolean(rb && can(actor, "run.start") && holdsOneOf(actor, rb.startRoles)),
          openRun: openRun ? { id: openRun.run.id, runbookId: openRun.run.runbookId } : null,
        };
      })
    : null;
  const waiting = waitingOn(
    actor,
    runs.map((r) => ({
      runbook: r.runbook,
      snapshot: r.snapshot,
      drill: r.run.drill,
      currentSince: Object.fromEntries(r.run.steps.map((s) => [s.stepId, s.currentSince?.toISOString() ?? null])),
    })),
  );
  const myRuns = runs
    .filter((r) => r.run.startedById === actor.id)
    .map((r): MyRun => {
      const cur = currentStep(r.snapshot);
      const step = cur ? r.runbook.steps.find((s) => s.id === cur.stepId) : undefined;
      return { id: r.run.id, runbookId: r.run.runbookId, title: r.runbook.title, drill: r.run.drill, startedAt: r.run.startedAt.toISOString(), current: step ? { number: step.number, title: step.title } : null };
    });
  return {
    incidents,
    waiting,
    myRuns,
    counts: { openIncidents: incidents?.length ?? 0, waitingOnMe: waiting.length },
    serverTime: new Date().toISOString(),
  };
}
