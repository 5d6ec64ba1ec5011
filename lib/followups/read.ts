import "server-only";
import { db } from "../db";
import { runnerOf } from "../sql";
import { can, mayManageFollowUps } from "../auth/permissions";
import type { Actor, Role } from "../auth/roles";
import { getRunbook, listRunbooks } from "../runbooks";
import { changelogOptions } from "../reviews/changelog";
import { listAssignablePeople, listFollowUpsOf, listOpenGaps, listOverdueFollowUps, listUnsavedRcasEndedBefore, type FollowUpRow } from "../stores/followups";
import { isOverdue, utcDay } from "./rules";
import { RCA_DUE_MS, rcaDueAfter } from "../runs/rca";

export type FollowUpView = Omit<FollowUpRow, "closedAt" | "createdAt"> & {
  closedAt: string | null;
  overdue: boolean;
  /** The person may close it (works on its run or incident, or owns it). */
  mayClose: boolean;
  /** For a runbook gap: its runbook's change-log entries, newest first (closing as done names one). */
  changelog: { key: string; date: string; change: string }[];
};

export type FollowUpPanel = {
  items: FollowUpView[];
  mayAdd: boolean;
  people: { id: string; name: string }[];
  runbooks: { id: string; title: string; steps: { id: string; number: number; title: string }[] }[];
};

function toView(f: FollowUpRow, now: Date, mayClose: boolean): FollowUpView {
  const rb = f.runbookId ? getRunbook(f.runbookId) : undefined;
  return {
    id: f.id,
    runId: f.runId,
    incidentId: f.incidentId,
    title: f.title,
    ownerId: f.ownerId,
    ownerName: f.ownerName,
    dueOn: f.dueOn,
    state: f.state,
    runbookId: f.runbookId,
    stepId: f.stepId,
    closeReason: f.closeReason,
    fixedBy: f.fixedBy,
    closedByName: f.closedByName,
    version: f.version,
    closedAt: f.closedAt ? new Date(f.closedAt).toISOString() : null,
    overdue: isOverdue(f, now),
    mayClose: f.state === "OPEN" && mayClose,
    changelog: rb ? changelogOptions(rb).map((e) => ({ key: e.key, date: e.date, change: e.change })) : [],
  };
}

/** The follow-ups of a run's RCA or of an incident, with what this person may do to them. */
export async function followUpPanel(actor: Actor, of: { runId: string; signOffRoles: readonly Role[] } | { incidentId: string }, now = new Date()): Promise<FollowUpPanel | null> {
  if (!can(actor, "runbook.view")) return null;
  const sql = runnerOf(db());
  const rule = "runId" in of ? { signOffRoles: of.signOffRoles } : ({ incident: true } as const);
  const mayAdd = mayManageFollowUps(actor, rule);
  const [rows, people] = await Promise.all([listFollowUpsOf(sql, "runId" in of ? { runId: of.runId } : { incidentId: of.incidentId }), mayAdd ? listAssignablePeople(sql) : Promise.resolve([])]);
  return {
    items: rows.map((f) => toView(f, now, mayManageFollowUps(actor, rule, f.ownerId === actor.id))),
    mayAdd,
    people: people.map((p) => ({ id: p.id, name: p.name })),
    runbooks: mayAdd ? listRunbooks().map((rb) => ({ id: rb.id, title: rb.title, steps: rb.steps.map((s) => ({ id: s.id, number: s.number, title: s.title })) })) : [],
  };
}

/** Open runbook-gap follow-ups of one runbook (its page shows them until they are closed). */
export async function openGapsOf(runbookId: string, now = new Date()): Promise<FollowUpView[]> {
  return (await listOpenGaps(runnerOf(db()), runbookId)).map((f) => toView(f, now, false));
}

/** How many open runbook-gap follow-ups each runbook has (the index's validation column). */
export async function openGapCounts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const f of await listOpenGaps(runnerOf(db()))) out[f.runbookId!] = (out[f.runbookId!] ?? 0) + 1;
  return out;
}

export type OverdueRca = { runId: string; runbookId: string; title: string; dueAt: string; owner: string };
export type OverdueWork = { followUps: FollowUpView[]; rcas: OverdueRca[] };

/**
 * Overdue follow-ups and RCAs past their 48-hour due date: the person's own (`mine`: follow-ups they own, RCAs of runs
 * they started) for the start page, or everyone's for the incident commander's dashboard.
 */
export async function overdueWork(actor: Actor, scope: "mine" | "all", now = new Date()): Promise<OverdueWork> {
  const sql = runnerOf(db());
  const owner = scope === "mine" ? actor.id : undefined;
  const [followUps, runs] = await Promise.all([
    can(actor, "runbook.view") ? listOverdueFollowUps(sql, utcDay(now), owner) : Promise.resolve([]),
    can(actor, "run.view") ? listUnsavedRcasEndedBefore(sql, new Date(now.getTime() - RCA_DUE_MS), owner) : Promise.resolve([]),
  ]);
  const rcas = runs.flatMap((r): OverdueRca[] => {
    const rb = getRunbook(r.runbookId);
    const dueAt = rb && rcaDueAfter(rb.severity, r.endedAt);
    if (!rb || !dueAt) return [];
    return [{ runId: r.runId, runbookId: r.runbookId, title: rb.title, dueAt: dueAt.toISOString(), owner: r.startedByName }];
  });
  return { followUps: followUps.map((f) => toView(f, now, false)), rcas };
}
