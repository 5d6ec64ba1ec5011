import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor, Role } from "../auth/roles";
import { roleSources } from "../access/rules";
import { answerApprovers, loadRoleHistory, type ApproverAnswer } from "../access/load";
import type { RoleHistory } from "../access/history";

export type AccessPersonRow = {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
  /** Bound to an identity at the provider (signed in with single sign-on at least once). */
  ssoBound: boolean;
  roles: ReturnType<typeof roleSources>;
};

export type PendingGrant = { id: string; personId: string; personName: string; role: Role; reason: string | null; requestedById: string; requestedBy: string; createdAt: Date };

/** Everyone with their roles and where each comes from, for access administrators; null for anyone else. */
export async function listAccess(actor: Actor): Promise<{ people: AccessPersonRow[]; pending: PendingGrant[] } | null> {
  if (!can(actor, "access.admin")) return null;
  const [people, pending] = await Promise.all([
    db().person.findMany({ orderBy: [{ disabled: "asc" }, { name: "asc" }] }),
    db().accessRequest.findMany({ where: { status: "PENDING" }, orderBy: { createdAt: "asc" }, include: { person: { select: { name: true } } } }),
  ]);
  return {
    people: people.map((p) => ({ id: p.id, name: p.name, email: p.email, disabled: p.disabled, lastSignInAt: p.lastSignInAt, createdAt: p.createdAt, ssoBound: p.oidcSubject !== null, roles: roleSources(p) })),
    pending: pending.map((r) => ({ id: r.id, personId: r.personId, personName: r.person.name, role: r.role, reason: r.reason, requestedById: r.requestedById, requestedBy: r.requestedBy, createdAt: r.createdAt })),
  };
}

/** The role history and, for a date, who could approve the runbook that day; null for people without access.review. */
export async function accessReview(actor: Actor, question: { date?: string; runbookId: string }): Promise<{ history: RoleHistory; answer: ApproverAnswer | null } | null> {
  if (!can(actor, "access.review")) return null;
  const history = await loadRoleHistory(db());
  return { history, answer: question.date ? answerApprovers(history, question.runbookId, question.date) : null };
}
