/**
 * Access administration (issue 13 item 3), each through the action wrapper: session → input → `access.admin` → one
 * transaction that locks the person, asks the rules (lib/access/rules.ts) and writes the change with its audit event
 * (the person before and after). Every refusal is audited (`auditRefusals`) and changes nothing. A change of roles or
 * of the disabled flag ends the person's sessions at their next request (trigger person_session_version).
 */
import { defineAction, type AuditRecord } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError } from "../auth/permissions";
import { ROLE_LABELS, type Actor, type Role } from "../auth/roles";
import type { Tx } from "../db";
import { accessReviewQuerySchema, addPersonSchema, decideGrantSchema, grantRoleSchema, revokeRoleSchema, setDisabledSchema } from "../validation/access";
import { personSnapshot } from "./snapshot";
import { planDecision, planGrant, planRevoke, planSetDisabled, splitNewRoles, type AccessRefusal } from "./rules";
import { answerApprovers, loadRoleHistory } from "./load";
import { ROLLBACK_RUNBOOK_ID, REVIEW_FORMAT_ID, approversCsv, historyCsv, type ReviewMeta } from "./review";

const personTarget = (input: { personId: string }) => ({ type: "person", id: input.personId });

/** Locks the person's row for the rest of the transaction (concurrent changes to one person queue) and reads it. */
async function lockPerson(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT "id" FROM "person" WHERE "id" = ${id}::uuid FOR UPDATE`;
  const person = await tx.person.findUnique({ where: { id } });
  if (!person) throw new ActionError("NOT_FOUND", "There is no such person; reload the page.");
  return person;
}

function refuse(r: AccessRefusal): never {
  if (r.code === "FORBIDDEN") throw new AuthorizationError("access.admin", r.message);
  throw new ActionError(r.code, r.message);
}

async function createRequest(tx: Tx, actor: Actor, personId: string, role: Role, reason: string | undefined) {
  return tx.accessRequest.create({ data: { personId, role, reason: reason ?? null, requestedById: actor.id, requestedBy: actor.name } });
}

/** The person is told what happened (a request, a block) in the action's own words. */
const messageOf = async ({ data }: { data: { message: string } }) => data.message;
const label = (r: Role) => ROLE_LABELS[r];
const waiting = (roles: Role[]) => `${roles.map(label).join(", ")} ${roles.length > 1 ? "need" : "needs"} a second administrator's approval`;

export type AddPersonResult = { personId: string; granted: Role[]; requested: Role[]; message: string };

/** Adds a person: ordinary roles at once, privileged ones as requests a second administrator approves. */
export const addPersonAction = defineAction({
  name: "access.person.added",
  schema: addPersonSchema,
  permission: "access.admin",
  auditRefusals: true,
  afterCommit: messageOf,
  async run({ actor, input, tx }) {
    const existing = await tx.person.findUnique({ where: { email: input.email } });
    if (existing) throw new ActionError("CONFLICT", `${existing.name} <${existing.email}> is already in the portal: grant roles on their row.`, { email: ["Someone already has this email."] });
    const { now, requested } = splitNewRoles(input.roles);
    const person = await tx.person.create({ data: { email: input.email, name: input.name, roles: now } });
    const requests = [];
    for (const role of requested) requests.push(await createRequest(tx, actor, person.id, role, input.reason));
    const message = `Added ${person.name}${now.length ? ` with ${now.map(label).join(", ")}` : ""}.${requested.length ? ` ${waiting(requested)}.` : ""}`;
    return {
      data: { personId: person.id, granted: now, requested, message } satisfies AddPersonResult,
      audit: {
        target: { type: "person", id: person.id },
        details: { source: "portal", before: null, after: personSnapshot(person), requested: requests.map((r) => ({ requestId: r.id, role: r.role })), reason: input.reason ?? null },
      },
    };
  },
});

export type GrantResult = { kind: "granted" | "requested"; requestId?: string; message: string };

/** Grants a role at once, or (Auditor, InfoSec, Incident commander) records a request for a second administrator. */
export const grantRoleAction = defineAction({
  name: "access.role.granted",
  schema: grantRoleSchema,
  permission: "access.admin",
  target: personTarget,
  auditRefusals: true,
  afterCommit: messageOf,
  async run({ actor, input, tx }): Promise<{ data: GrantResult; audit: AuditRecord }> {
    const person = await lockPerson(tx, input.personId);
    const pending = await tx.accessRequest.findFirst({ where: { personId: person.id, role: input.role, status: "PENDING" } });
    const plan = planGrant(actor.id, person, input.role, Boolean(pending));
    if (!plan.ok) refuse(plan);
    if (plan.kind === "request") {
      const request = await createRequest(tx, actor, person.id, input.role, input.reason);
      return {
        data: { kind: "requested", requestId: request.id, message: `Requested ${label(input.role)} for ${person.name}: a second administrator (not you, not ${person.name}) must approve it.` },
        audit: { action: "access.grant.requested", details: { requestId: request.id, role: input.role, reason: input.reason ?? null, person: personSnapshot(person) } },
      };
    }
    const after = await tx.person.update({ where: { id: person.id }, data: plan.sets });
    return {
      data: { kind: "granted", message: `Granted ${label(input.role)} to ${person.name}; their open sessions end at their next request.` },
      audit: { details: { role: input.role, reason: input.reason ?? null, before: personSnapshot(person), after: personSnapshot(after) } },
    };
  },
});

/** Revokes a role; a role from the identity provider is blocked here, so the next sign-in does not bring it back. */
export const revokeRoleAction = defineAction({
  name: "access.role.revoked",
  schema: revokeRoleSchema,
  permission: "access.admin",
  target: personTarget,
  auditRefusals: true,
  afterCommit: messageOf,
  async run({ actor, input, tx }) {
    const person = await lockPerson(tx, input.personId);
    const plan = planRevoke(actor.id, person, input.role);
    if (!plan.ok) refuse(plan);
    const after = await tx.person.update({ where: { id: person.id }, data: plan.sets });
    const blocked = plan.blocked ? ` ${label(input.role)} comes from the identity provider too: it stays blocked here until an administrator grants it again.` : "";
    return {
      data: { message: `Revoked ${label(input.role)} from ${person.name}; their open sessions end at their next request.${blocked}` },
      audit: { details: { role: input.role, blockedIdpRole: plan.blocked, before: personSnapshot(person), after: personSnapshot(after) } },
    };
  },
});

/** Approves (a second administrator) or rejects (anyone but the grantee; the requester withdraws) a grant request. */
export const decideGrantAction = defineAction({
  name: "access.grant.decided",
  schema: decideGrantSchema,
  permission: "access.admin",
  target: (input) => ({ type: "access_request", id: input.requestId }),
  auditRefusals: true,
  afterCommit: messageOf,
  async run({ actor, input, tx }) {
    await tx.$queryRaw`SELECT "id" FROM "access_request" WHERE "id" = ${input.requestId}::uuid FOR UPDATE`;
    const request = await tx.accessRequest.findUnique({ where: { id: input.requestId } });
    if (!request) throw new ActionError("NOT_FOUND", "There is no such request; reload the page.");
    const person = await lockPerson(tx, request.personId);
    const plan = planDecision(actor.id, request, person, input.decision);
    if (!plan.ok) refuse(plan);
    const decided = { status: plan.status, decidedById: actor.id, decidedBy: actor.name, decidedAt: new Date() };
    const claimed = await tx.accessRequest.updateMany({ where: { id: request.id, status: "PENDING" }, data: decided });
    if (claimed.count !== 1) throw new ActionError("CONFLICT", "Another administrator decided this request meanwhile; reload the page.");
    const common = { requestId: request.id, role: request.role, requestedBy: { id: request.requestedById, name: request.requestedBy }, requestedAt: request.createdAt.toISOString(), reason: request.reason };
    const target = { type: "person", id: person.id };
    if (plan.status !== "APPROVED") {
      const verb = plan.status === "WITHDRAWN" ? "Withdrew" : "Rejected";
      return {
        data: { message: `${verb} the request for ${label(request.role)} for ${person.name}.` },
        audit: { action: `access.grant.${plan.status.toLowerCase()}`, target, details: { ...common, person: personSnapshot(person) } },
      };
    }
    const after = await tx.person.update({ where: { id: person.id }, data: plan.sets });
    return {
      data: { message: `Approved: ${person.name} now holds ${label(request.role)}; their open sessions end at their next request.` },
      audit: { action: "access.grant.approved", target, details: { ...common, before: personSnapshot(person), after: personSnapshot(after) } },
    };
  },
});

/** Disables a person (their sessions end at their next request, and they cannot sign in) or enables them again. */
export const setDisabledAction = defineAction({
  name: "access.person.set_disabled",
  schema: setDisabledSchema,
  permission: "access.admin",
  target: personTarget,
  auditRefusals: true,
  afterCommit: messageOf,
  async run({ actor, input, tx }) {
    const person = await lockPerson(tx, input.personId);
    const disabled = input.state === "disabled";
    const plan = planSetDisabled(actor.id, person, disabled);
    if (!plan.ok) refuse(plan);
    const after = await tx.person.update({ where: { id: person.id }, data: { disabled } });
    return {
      data: { message: disabled ? `Disabled ${person.name}: their open sessions end at their next request.` : `Enabled ${person.name}: they can sign in again.` },
      audit: { action: disabled ? "access.person.disabled" : "access.person.enabled", details: { before: personSnapshot(person), after: personSnapshot(after) } },
    };
  },
});

export type ReviewExport = { fileName: string; csv: string; rows: number };

/**
 * The access review as CSV, recorded as an audit event in the same transaction: with a date, who could approve the
 * runbook (default RB-LAUNCH-002) that UTC day; without, every stretch of every role.
 */
export const exportAccessReviewAction = defineAction({
  name: "access.review.exported",
  schema: accessReviewQuerySchema,
  permission: "access.review",
  auditRefusals: true,
  async run({ actor, input, tx }) {
    const history = await loadRoleHistory(tx);
    const meta = (question: string): ReviewMeta => ({ type: "meta", format: REVIEW_FORMAT_ID, question, through: history.through?.toString() ?? null, exportedBy: actor.email, exportedAt: new Date().toISOString() });
    let result: ReviewExport;
    if (input.date) {
      const runbookId = input.runbookId ?? ROLLBACK_RUNBOOK_ID;
      const answer = answerApprovers(history, runbookId, input.date);
      if (!answer) throw new ActionError("NOT_FOUND", `There is no runbook ${runbookId}.`, { runbookId: ["No such runbook."] });
      const csv = approversCsv(answer.steps, meta(`Who could approve ${runbookId} (${answer.runbookTitle}) on ${input.date} (UTC)?`));
      result = { fileName: `access-review_${runbookId}_${input.date}.csv`, csv, rows: answer.steps.reduce((n, s) => n + s.people.reduce((m, p) => m + p.spans.length, 0), 0) };
    } else {
      const csv = historyCsv(history, meta("Who held which role when?"));
      result = { fileName: `access-history_${new Date().toISOString().slice(0, 10)}.csv`, csv, rows: history.roles.length };
    }
    return { data: result, audit: { details: { date: input.date ?? null, runbookId: input.date ? (input.runbookId ?? ROLLBACK_RUNBOOK_ID) : null, rows: result.rows, through: history.through?.toString() ?? null } } };
  },
});
