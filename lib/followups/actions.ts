/**
 * Follow-up items of RCAs and incidents (issue 19): add, and close as done or won't do. Each change and its audit
 * event commit in one transaction (lib/actions/safe-action.ts); a runbook gap closed as done names the change-log
 * entry of its runbook that fixed it.
 */
import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, mayManageFollowUps } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import type { Tx } from "../db";
import { runnerOf } from "../sql";
import { getRunbook } from "../runbooks";
import { loadRunbookVersion } from "../stores/runbook-versions";
import { signOffRoles } from "../runs/ownership";
import { findChangelogEntry } from "../reviews/changelog";
import { closeFollowUp, getFollowUp, insertFollowUp, isAssignable, type FollowUpRow } from "../stores/followups";
import { addFollowUpSchema, closeFollowUpSchema } from "../validation/followups";

type Parent = { runId: string } | { incidentId: string };

/** Refuses (audited) anyone who may not manage the follow-ups of this run or incident (the owner may close their own). */
async function requireParentAccess(tx: Tx, actor: Actor, parent: Parent, what: string, ownsIt = false): Promise<void> {
  if ("runId" in parent) {
    const run = await tx.run.findUnique({ where: { id: parent.runId }, select: { runbookId: true, contentHash: true } });
    if (!run) throw new ActionError("NOT_FOUND", "There is no such run.");
    const runbook = await loadRunbookVersion(runnerOf(tx), run);
    if (!mayManageFollowUps(actor, { signOffRoles: signOffRoles(runbook) }, ownsIt)) {
      throw new AuthorizationError("followup.manage", `Only people who work on this ${run.runbookId} run, or the follow-up's owner, may ${what}.`);
    }
  } else {
    const incident = await tx.incident.findUnique({ where: { id: parent.incidentId }, select: { id: true } });
    if (!incident) throw new ActionError("NOT_FOUND", "There is no such incident.");
    if (!mayManageFollowUps(actor, { incident: true }, ownsIt)) {
      throw new AuthorizationError("followup.manage", `Only people who manage incidents, or the follow-up's owner, may ${what}.`);
    }
  }
}

const parentOf = (f: Pick<FollowUpRow, "runId" | "incidentId">): Parent => (f.runId ? { runId: f.runId } : { incidentId: f.incidentId! });

/** Adds a follow-up to an RCA or incident: title, owner, due date and, for a runbook gap, the runbook and step. */
export const addFollowUpAction = defineAction({
  name: "followup.added",
  schema: addFollowUpSchema,
  permission: "followup.manage",
  target: (i) => (i.runId ? { type: "run", id: i.runId } : i.incidentId ? { type: "incident", id: i.incidentId } : undefined),
  async run({ actor, input, tx }) {
    const parent: Parent = input.runId ? { runId: input.runId } : { incidentId: input.incidentId! };
    await requireParentAccess(tx, actor, parent, "add follow-ups to it");
    const sql = runnerOf(tx);
    if (!(await isAssignable(sql, input.ownerId))) throw new ActionError("INVALID", "Choose an owner who can sign in.", { ownerId: ["Choose an owner who can sign in."] });
    if (input.runbookId) {
      const rb = getRunbook(input.runbookId);
      if (!rb) throw new ActionError("INVALID", `There is no runbook ${input.runbookId}.`, { runbookId: [`There is no runbook ${input.runbookId}.`] });
      if (input.stepId && !rb.steps.some((s) => s.id === input.stepId)) {
        throw new ActionError("INVALID", `${rb.id} has no step "${input.stepId}".`, { stepId: [`${rb.id} has no step "${input.stepId}".`] });
      }
    }
    const id = await insertFollowUp(sql, {
      runId: input.runId ?? null,
      incidentId: input.incidentId ?? null,
      title: input.title,
      ownerId: input.ownerId,
      dueOn: input.dueOn,
      runbookId: input.runbookId ?? null,
      stepId: input.stepId ?? null,
      createdById: actor.id,
    });
    return {
      data: { followUpId: id },
      audit: { details: { followUpId: id, title: input.title, ownerId: input.ownerId, dueOn: input.dueOn, runbookId: input.runbookId ?? null, stepId: input.stepId ?? null } },
    };
  },
});

/**
 * Closes an open follow-up: done, or won't do with a reason. A runbook gap closed as done names the entry of its
 * runbook's change log that fixed it; an entry that is not in that change log is refused. A close based on a version
 * that changed meanwhile is refused.
 */
export const closeFollowUpAction = defineAction({
  name: "followup.closed",
  schema: closeFollowUpSchema,
  permission: "followup.manage",
  target: (i) => ({ type: "follow_up", id: i.followUpId }),
  async run({ actor, input, tx }) {
    const sql = runnerOf(tx);
    const f = await getFollowUp(sql, input.followUpId);
    if (!f) throw new ActionError("NOT_FOUND", "There is no such follow-up.");
    await requireParentAccess(tx, actor, parentOf(f), "close its follow-ups", f.ownerId === actor.id);
    if (f.state !== "OPEN") throw new ActionError("CONFLICT", `This follow-up is already closed (${f.state === "DONE" ? "done" : "won't do"}${f.closedByName ? `, by ${f.closedByName}` : ""}).`);
    let fixedBy: FollowUpRow["fixedBy"] = null;
    if (input.outcome === "done" && f.runbookId) {
      const rb = getRunbook(f.runbookId);
      const msg = `A runbook gap is done when ${f.runbookId}'s change log says how it was fixed: choose that entry (add it to the runbook first).`;
      if (!input.changelogKey) throw new ActionError("INVALID", msg, { changelogKey: [msg] });
      const entry = rb ? findChangelogEntry(rb, input.changelogKey) : null;
      if (!entry) {
        const bad = `That entry is not in ${f.runbookId}'s change log.`;
        throw new ActionError("INVALID", bad, { changelogKey: [bad] });
      }
      fixedBy = { key: entry.key, date: entry.date, author: entry.author, change: entry.change };
    }
    const state = input.outcome === "done" ? "DONE" : "WONT_DO";
    const closed = await closeFollowUp(sql, { id: f.id, version: input.version, state, closeReason: input.outcome === "wont-do" ? input.reason! : (input.reason ?? null), fixedBy, closedById: actor.id });
    if (!closed) throw new ActionError("CONFLICT", "This follow-up changed meanwhile; reload to see it.");
    const parent = parentOf(f);
    return {
      data: { followUpId: f.id, state },
      audit: {
        details: {
          followUpId: f.id,
          title: f.title,
          state,
          reason: input.reason ?? null,
          runbookId: f.runbookId,
          fixedBy,
          ...("runId" in parent ? { runId: parent.runId } : { incidentId: parent.incidentId }),
        },
      },
    };
  },
});
