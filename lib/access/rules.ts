/**
 * Who may change whose access, and what a change does: pure functions that the access actions (lib/access/actions.ts)
 * apply inside their transaction, and the access page uses to decide what to offer. The permission itself
 * (`access.admin`) is in lib/auth/permissions.ts; these are the rules about the objects.
 *
 * - Nobody changes their own roles or disables themselves.
 * - Granting a privileged role (PRIVILEGED_ROLES) only records a request; a second administrator, neither the
 *   requester nor the grantee, approves it. The requester may withdraw it; anyone else but the grantee may reject it.
 * - A role granted here (`roles`) stays until it is revoked here. A role from the identity provider (`idpRoles`,
 *   recomputed at every sign-in) cannot be taken away at the provider from here, so revoking it blocks it
 *   (`blockedRoles`): it gives nothing, whatever the groups say, until an administrator grants it here again.
 */
import { ROLES, ROLE_LABELS, isRole, type Role } from "../auth/roles";
import { effectiveRoles } from "../auth/session-state";

/** Roles whose grant needs a second administrator's approval: they see everything, administer access, or command. */
export const PRIVILEGED_ROLES: readonly Role[] = ["AUDITOR", "INFOSEC", "INCIDENT_COMMANDER"];

export const isPrivileged = (role: Role) => PRIVILEGED_ROLES.includes(role);

export type AccessRefusal = { ok: false; code: "FORBIDDEN" | "CONFLICT"; message: string };

/** The person being changed, as the rules need them. */
export type AccessTarget = { id: string; name: string; roles: readonly string[]; idpRoles: readonly string[]; blockedRoles?: readonly string[] | null; disabled: boolean };

/** The role sets after a change. */
export type RoleSets = { roles: Role[]; blockedRoles: Role[] };

/** A grant request as the rules need it. */
export type GrantRequest = { personId: string; role: Role; requestedById: string; status: string };

const refuse = (code: AccessRefusal["code"], message: string): AccessRefusal => ({ ok: false, code, message });
const ordered = (set: Iterable<string>): Role[] => {
  const s = new Set(set);
  return ROLES.filter((r) => s.has(r));
};
const label = (role: Role) => ROLE_LABELS[role];

/** Refuses a change to one's own access (roles, requests about oneself, disabling oneself). */
export function refuseSelf(actorId: string, target: Pick<AccessTarget, "id">, what: string): AccessRefusal | null {
  return actorId === target.id ? refuse("FORBIDDEN", `You cannot ${what} yourself: another administrator must do it.`) : null;
}

/** The roles a person holds now and where each comes from. */
export function roleSources(person: Pick<AccessTarget, "roles" | "idpRoles" | "blockedRoles">): { role: Role; portal: boolean; idp: boolean; blocked: boolean; held: boolean }[] {
  const held = effectiveRoles({ roles: [...person.roles], idpRoles: [...person.idpRoles], blockedRoles: [...(person.blockedRoles ?? [])] });
  return ROLES.filter((r) => person.roles.includes(r) || person.idpRoles.includes(r) || (person.blockedRoles ?? []).includes(r)).map((role) => ({
    role,
    portal: person.roles.includes(role),
    idp: person.idpRoles.includes(role),
    blocked: (person.blockedRoles ?? []).includes(role),
    held: held.includes(role),
  }));
}

/** Grant here: the role joins `roles` and is no longer blocked. */
export function grantedSets(person: Pick<AccessTarget, "roles" | "blockedRoles">, role: Role): RoleSets {
  return { roles: ordered([...person.roles, role].filter(isRole)), blockedRoles: ordered((person.blockedRoles ?? []).filter((r) => r !== role)) };
}

export type GrantPlan = { ok: true; kind: "grant"; sets: RoleSets } | { ok: true; kind: "request" } | AccessRefusal;

/**
 * Granting `role` to `person`: at once for an ordinary role, as a request for a privileged one. Refused for oneself,
 * for a role already granted here, and while the same request is pending.
 */
export function planGrant(actorId: string, person: AccessTarget, role: Role, pending: boolean): GrantPlan {
  const self = refuseSelf(actorId, person, "change the roles of");
  if (self) return self;
  if (person.roles.includes(role)) return refuse("CONFLICT", `${person.name} already holds ${label(role)}, granted here.`);
  if (pending) return refuse("CONFLICT", `A request to grant ${label(role)} to ${person.name} is already waiting for a second administrator.`);
  if (isPrivileged(role)) return { ok: true, kind: "request" };
  return { ok: true, kind: "grant", sets: grantedSets(person, role) };
}

export type RevokePlan = { ok: true; sets: RoleSets; blocked: boolean } | AccessRefusal;

/**
 * Revoking `role` from `person`: out of `roles`, and blocked when the identity provider gives it too (else the next
 * sign-in would bring it back). Refused for oneself and for a role the person does not hold.
 */
export function planRevoke(actorId: string, person: AccessTarget, role: Role): RevokePlan {
  const self = refuseSelf(actorId, person, "change the roles of");
  if (self) return self;
  const fromIdp = person.idpRoles.includes(role) && !(person.blockedRoles ?? []).includes(role);
  if (!person.roles.includes(role) && !fromIdp) return refuse("CONFLICT", `${person.name} does not hold ${label(role)}.`);
  return {
    ok: true,
    blocked: fromIdp,
    sets: { roles: ordered(person.roles.filter((r) => r !== role)), blockedRoles: ordered([...(person.blockedRoles ?? []), ...(fromIdp ? [role] : [])]) },
  };
}

export type DecisionPlan = { ok: true; status: "APPROVED"; sets: RoleSets } | { ok: true; status: "REJECTED" | "WITHDRAWN" } | AccessRefusal;

/**
 * Deciding a grant request. Approving: by an administrator who is neither the requester nor the grantee; the role
 * is then granted. Rejecting: by anyone but the grantee; the requester's own rejection is a withdrawal. Only a
 * pending request is decided.
 */
export function planDecision(actorId: string, request: GrantRequest, person: AccessTarget, decision: "approve" | "reject"): DecisionPlan {
  if (request.status !== "PENDING") return refuse("CONFLICT", `This request was already decided (${request.status.toLowerCase()}).`);
  if (actorId === request.personId) return refuse("FORBIDDEN", "You cannot decide a request about your own roles: another administrator must do it.");
  if (decision === "reject") return { ok: true, status: actorId === request.requestedById ? "WITHDRAWN" : "REJECTED" };
  if (actorId === request.requestedById) return refuse("FORBIDDEN", "You requested this grant, so you cannot also approve it: a second administrator must (two-person rule).");
  return { ok: true, status: "APPROVED", sets: grantedSets(person, request.role) };
}

export type DisablePlan = { ok: true } | AccessRefusal;

/** Disabling or enabling `person`: never oneself, and only when it changes something. */
export function planSetDisabled(actorId: string, person: AccessTarget, disabled: boolean): DisablePlan {
  const self = refuseSelf(actorId, person, disabled ? "disable" : "enable");
  if (self) return self;
  if (person.disabled === disabled) return refuse("CONFLICT", `${person.name} is already ${disabled ? "disabled" : "enabled"}.`);
  return { ok: true };
}

/** Adding a person: ordinary roles are granted at once, privileged ones become requests for a second administrator. */
export function splitNewRoles(roles: readonly Role[]): { now: Role[]; requested: Role[] } {
  const all = ordered(roles);
  return { now: all.filter((r) => !isPrivileged(r)), requested: all.filter(isPrivileged) };
}
