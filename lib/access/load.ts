/**
 * Reads behind the access review, shared by its page, its export action and the tests: the audit events that
 * change people's access and the people as they are now, rebuilt into a role history (lib/access/history.ts).
 */
import type { Db, Tx } from "../db";
import { rolesFor } from "../auth/permissions";
import { getRunbook } from "../runbooks";
import { approveStepAction, decideStepAction } from "../runs/actions";
import { rebuildRoleHistory, type RoleHistory } from "./history";
import { approvalSteps, dayWindow, whoCouldApprove, type StepApprovers } from "./review";

/** Every allowed event about a person (and the seed's), oldest first, and every person. */
export async function loadRoleHistory(client: Db | Tx): Promise<RoleHistory> {
  const events = await client.auditEvent.findMany({
    where: { outcome: "allowed", OR: [{ targetType: "person" }, { action: "system.seed" }] },
    orderBy: { seq: "asc" },
    select: { seq: true, at: true, action: true, targetType: true, targetId: true, details: true },
  });
  const people = await client.person.findMany({ select: { id: true, email: true, name: true, createdAt: true, roles: true, idpRoles: true, blockedRoles: true, disabled: true } });
  return rebuildRoleHistory(events, people);
}

export type ApproverAnswer = { runbookId: string; runbookTitle: string; date: string; from: Date; to: Date; steps: StepApprovers[] };

/**
 * "Who could approve <runbook> on <date>?": its approval steps, with the roles the runbook names and the permission
 * table lets approve or decide (the permissions of the run actions themselves), and who held them that UTC day.
 * Null when the runbook or the date does not exist.
 */
export function answerApprovers(history: RoleHistory, runbookId: string, date: string): ApproverAnswer | null {
  const runbook = getRunbook(runbookId);
  const window = dayWindow(date);
  if (!runbook || !window) return null;
  const steps = approvalSteps(runbook, { twoPerson: rolesFor(approveStepAction.permission), decision: rolesFor(decideStepAction.permission) });
  return { runbookId, runbookTitle: runbook.title, date, ...window, steps: whoCouldApprove(history, steps, window) };
}
