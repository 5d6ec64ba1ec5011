/**
 * The access review's questions and files (issue 13 item 6): "who could approve a rollback on <date>?", answered
 * from the role history (lib/access/history.ts) and the runbook itself: the steps that approve (two-person steps and
 * go/no-go decisions), the roles each step names, and of those the roles the permission table lets sign at all.
 * Nothing about RB-LAUNCH-002 is written here: editing the runbook or the table changes the answer.
 */
import { csvCell, csvMetaLine } from "../audit/export";
import { ROLES, ROLE_LABELS, type Role } from "../auth/roles";
import type { Runbook } from "../runbooks/loader";
import { heldDuring, type HoldingSpan, type RoleHistory } from "./history";

/** The runbook the review asks about by default: rollback to pilot. */
export const ROLLBACK_RUNBOOK_ID = "RB-LAUNCH-002";

export type ApprovalStep = { stepId: string; number: number; title: string; kind: string; twoPerson: boolean; roles: Role[] };

/** The roles the permission table lets act on each kind of approval step (the permissions the run actions check). */
export type ApproverRoles = { twoPerson: readonly Role[]; decision: readonly Role[] };

/**
 * The steps of a runbook that approve what it does: two-person steps (two approvers) and go/no-go decisions. Each
 * with the roles that may act on it: the step's sign-off roles that the permission table also allows to approve
 * (two-person steps) or decide (decisions).
 */
export function approvalSteps(runbook: Pick<Runbook, "steps">, allowed: ApproverRoles): ApprovalStep[] {
  return runbook.steps
    .filter((s) => s.twoPerson || s.kind === "decision")
    .map((s) => {
      const may = s.twoPerson ? allowed.twoPerson : allowed.decision;
      return { stepId: s.id, number: s.number, title: s.title, kind: s.kind, twoPerson: s.twoPerson, roles: ROLES.filter((r) => s.signoff.includes(r) && may.includes(r)) };
    });
}

/** The UTC day `YYYY-MM-DD` as [from, to). Null for anything else (or a date that does not exist). */
export function dayWindow(date: string): { from: Date; to: Date } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const from = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(from.getTime()) || from.toISOString().slice(0, 10) !== date) return null;
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

export type Approver = { personId: string; name: string; email: string; roles: Role[]; spans: HoldingSpan[]; recorded: boolean };
export type StepApprovers = ApprovalStep & { people: Approver[] };

/** Per approval step, the people who held one of its roles, enabled, at some moment of the window. */
export function whoCouldApprove(history: RoleHistory, steps: readonly ApprovalStep[], window: { from: Date; to: Date }): StepApprovers[] {
  return steps.map((step) => {
    const byPerson = new Map<string, Approver>();
    for (const span of heldDuring(history, step.roles, window.from, window.to)) {
      const a = byPerson.get(span.personId) ?? { personId: span.personId, name: span.name, email: span.email, roles: [], spans: [], recorded: true };
      if (!a.roles.includes(span.role)) a.roles = ROLES.filter((r) => r === span.role || a.roles.includes(r));
      a.spans.push(span);
      a.recorded &&= span.recorded;
      byPerson.set(span.personId, a);
    }
    return { ...step, people: [...byPerson.values()].sort((x, y) => x.name.localeCompare(y.name)) };
  });
}

export const REVIEW_FORMAT_ID = "orchestrator-access-review/v1";

export type ReviewMeta = { type: "meta"; format: typeof REVIEW_FORMAT_ID; question: string; through: string | null; exportedBy: string; exportedAt: string };

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const sourcesText = (s: readonly string[]) => s.join(";");

export const HISTORY_COLUMNS = ["person_id", "email", "name", "role", "sources", "from", "to", "from_event", "to_event", "recorded"] as const;
export const APPROVER_COLUMNS = ["step_id", "step", "person_id", "email", "name", "role", "held_from", "held_to", "sources", "recorded"] as const;

/**
 * A review file in the audit export's CSV conventions (lib/audit/export.ts): the first and last lines are one quoted
 * cell each (`# ` and JSON: the meta object, then the row count), every cell goes through csvCell (quoted when
 * needed, a leading = + - @ tab or CR defused), the header row follows the meta line.
 */
function csvFile(meta: ReviewMeta, columns: readonly string[], rows: (string | null)[][]): string {
  const lines = [csvMetaLine(meta), columns.join(","), ...rows.map((r) => r.map(csvCell).join(",")), csvMetaLine({ type: "end", count: rows.length })];
  return `${lines.join("\n")}\n`;
}

/** Every stretch of every role, oldest first. */
export function historyCsv(history: RoleHistory, meta: ReviewMeta): string {
  return csvFile(
    meta,
    HISTORY_COLUMNS,
    history.roles.map((r) => [r.personId, r.email, r.name, r.role, sourcesText(r.sources), iso(r.from), iso(r.to), r.fromSeq?.toString() ?? null, r.toSeq?.toString() ?? null, r.recorded ? "yes" : "no"]),
  );
}

/** The answer to "who could approve on <day>": one row per step, person, role and stretch within the day. */
export function approversCsv(answer: readonly StepApprovers[], meta: ReviewMeta): string {
  const rows: (string | null)[][] = [];
  for (const step of answer) {
    for (const p of step.people) {
      for (const s of p.spans) rows.push([step.stepId, `${step.number}. ${step.title}`, p.personId, p.email, p.name, s.role, iso(s.from), iso(s.to), sourcesText(s.sources), s.recorded ? "yes" : "no"]);
    }
  }
  return csvFile(meta, APPROVER_COLUMNS, rows);
}

export const roleNames = (roles: readonly Role[]) => roles.map((r) => ROLE_LABELS[r]).join(" or ");
