import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor, Role } from "../auth/roles";
import { getRunbook } from "../runbooks";
import { loadRun, loadRunsInProgress } from "../stores/runs";
import { approvalState, currentStep } from "../runs/machine";
import { DEFAULT_RESPONSE_MINUTES } from "../incidents/severity";

export type RunSummary = {
  id: string;
  runbookId: string;
  title: string;
  status: string;
  drill: boolean;
  startedAt: string;
  detectedAt: string;
  incidentId: string | null;
  /** `approvals` of `requiredApprovals` count for the current request of a two-person step (approvalState). */
  current: { id: string; number: number; title: string; kind: string; roles: Role[]; since: string | null; status: string; approvals: number; requiredApprovals: number } | null;
  goNoGoDue: boolean;
};

export type IncidentSummary = {
  id: string;
  title: string;
  severity: string;
  status: string;
  source: string;
  detectedAt: string;
  responseMinutes: number;
  suggestedRunbookId: string | null;
  commander: string | null;
  runs: number;
  alerts: number;
};

/** What a summary reads of a run: the dashboard's runs in progress, or one run as the run page loads it. */
type LoadedRun = Awaited<ReturnType<typeof loadRunsInProgress>>[number];

async function summariseRunById(runId: string, now: Date): Promise<RunSummary | null> {
  const loaded = await loadRun(db(), runId);
  return loaded ? summariseRun(loaded, now) : null;
}

function summariseRun({ run, runbook, snapshot }: LoadedRun, now: Date): RunSummary {
  const cur = run.status === "IN_PROGRESS" ? currentStep(snapshot) : null;
  const step = cur ? runbook.steps.find((s) => s.id === cur.stepId)! : null;
  const row = cur ? run.steps.find((s) => s.stepId === cur.stepId)! : null;
  const approval = cur ? approvalState(snapshot, cur.stepId) : null;
  const minutes = (now.getTime() - run.detectedAt.getTime()) / 60_000;
  const pendingDecision = runbook.steps.some((s) => s.kind === "decision" && snapshot.steps.find((x) => x.stepId === s.id)?.status === "PENDING");
  const phase = runbook.timeline?.find((p) => minutes >= p.fromMinutes && minutes < p.toMinutes);
  return {
    id: run.id,
    runbookId: run.runbookId,
    title: runbook.title,
    status: run.status,
    drill: run.drill,
    startedAt: run.startedAt.toISOString(),
    detectedAt: run.detectedAt.toISOString(),
    incidentId: run.incidentId,
    current:
      step && row && cur && approval
        ? {
            id: step.id,
            number: step.number,
            title: step.title,
            kind: step.kind,
            roles: step.signoff,
            since: row.currentSince?.toISOString() ?? null,
            status: cur.status,
            approvals: approval.approvals.length,
            requiredApprovals: approval.required,
          }
        : null,
    goNoGoDue: run.status === "IN_PROGRESS" && pendingDecision && Boolean(phase && /go\/no-go/i.test(phase.label)),
  };
}

function responseMinutes(severity: string, runbookId: string | null): number {
  const rb = runbookId ? getRunbook(runbookId) : undefined;
  return rb?.responseTime.minutes ?? DEFAULT_RESPONSE_MINUTES[severity] ?? 30;
}

export async function listIncidents(actor: Actor, opts: { open?: boolean } = {}): Promise<IncidentSummary[]> {
  if (!can(actor, "incident.view")) return [];
  const rows = await db().incident.findMany({
    where: opts.open ? { status: { in: ["OPEN", "MITIGATED"] } } : {},
    orderBy: [{ detectedAt: "desc" }],
    take: 100,
    include: { _count: { select: { alerts: true } } },
  });
  const runCounts = await db().run.groupBy({ by: ["incidentId"], where: { incidentId: { in: rows.map((r) => r.id) } }, _count: true });
  const commanders = new Map((await db().person.findMany({ where: { id: { in: rows.map((r) => r.commanderId).filter((x): x is string => Boolean(x)) } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    severity: r.severity,
    status: r.status,
    source: r.source,
    detectedAt: r.detectedAt.toISOString(),
    responseMinutes: responseMinutes(r.severity, r.suggestedRunbookId),
    suggestedRunbookId: r.suggestedRunbookId,
    commander: r.commanderId ? (commanders.get(r.commanderId) ?? null) : null,
    runs: runCounts.find((c) => c.incidentId === r.id)?._count ?? 0,
    alerts: r._count.alerts,
  }));
}

export async function getIncident(actor: Actor, id: string) {
  if (!can(actor, "incident.view")) return null;
  const incident = await db().incident.findUnique({ where: { id }, include: { alerts: { orderBy: { startsAt: "desc" } } } });
  if (!incident) return null;
  const now = new Date();
  const runIds = (await db().run.findMany({ where: { incidentId: id }, orderBy: { startedAt: "asc" }, select: { id: true } })).map((r) => r.id);
  const runs = (await Promise.all(runIds.map((r) => summariseRunById(r, now)))).filter((r): r is RunSummary => r !== null);
  const events = await db().auditEvent.findMany({
    where: { OR: [{ targetType: "incident", targetId: id }, { targetType: "run", targetId: { in: runIds } }] },
    orderBy: { seq: "desc" },
    take: 200,
  });
  const commander = incident.commanderId ? await db().person.findUnique({ where: { id: incident.commanderId }, select: { name: true } }) : null;
  return {
    ...incident,
    commander: commander?.name ?? null,
    responseMinutes: responseMinutes(incident.severity, incident.suggestedRunbookId),
    runs,
    timeline: events.map((e) => ({ seq: e.seq.toString(), at: e.at.toISOString(), actor: e.actorEmail ?? "system", action: e.action, outcome: e.outcome, details: e.details })),
  };
}

export type CommanderDashboard = {
  now: string;
  incidents: IncidentSummary[];
  runs: RunSummary[];
  commands: { id: string; action: string; state: string; attempts: number; lastError: string | null; runId: string | null; updatedAt: string }[];
};

/** Everything the incident commander watches, on one screen. */
export async function commanderDashboard(actor: Actor): Promise<CommanderDashboard | null> {
  if (!can(actor, "incident.view")) return null;
  const now = new Date();
  // The runs in progress in one query with their steps, signatures and requests (not one query set per run).
  const [incidents, loaded, commands] = await Promise.all([
    listIncidents(actor, { open: true }),
    loadRunsInProgress(db(), 30),
    db().command.findMany({ orderBy: { updatedAt: "desc" }, take: 10 }),
  ]);
  const runs = loaded.map((r) => summariseRun(r, now));
  return {
    now: now.toISOString(),
    incidents,
    runs,
    commands: commands.map((c) => ({ id: c.id, action: c.action, state: c.state, attempts: c.attempts, lastError: c.lastError, runId: c.runId, updatedAt: c.updatedAt.toISOString() })),
  };
}
