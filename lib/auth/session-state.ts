import { checkLifetime, type SessionLifetime } from "./lifetime";
import { ROLES, isRole, type Actor } from "./roles";

/** Why a request has no actor. Everything but "signed-out" means a session existed and was ended. */
export type EndedReason = "disabled" | "unknown-person" | "revoked" | "expired" | "idle";

export type SessionState = { actor: Actor } | { actor: null; reason: "signed-out" | EndedReason };

/** What the session token says: whose it is, the session version it was issued under, and its times (seconds). */
export type SessionClaims = { personId?: string; sessionVersion?: number; authTime?: number; lastSeen?: number };

export type SessionPerson = { id: string; email: string; name: string; roles: string[]; idpRoles: string[]; blockedRoles?: string[] | null; disabled: boolean; sessionVersion: number };

/**
 * A person's effective roles, once each, in ROLES order: granted in the portal, or mapped from the identity provider
 * and not revoked here by an administrator (`blockedRoles`).
 */
export function effectiveRoles(person: Pick<SessionPerson, "roles" | "idpRoles" | "blockedRoles">): Actor["roles"] {
  const blocked = new Set(person.blockedRoles ?? []);
  const held = new Set([...person.roles, ...person.idpRoles.filter((r) => !blocked.has(r))].filter(isRole));
  return ROLES.filter((r) => held.has(r));
}

/**
 * Decides whether a session still holds, given its token's claims and the person as the database has them now: the
 * person exists and is not disabled, the token carries their current session version (sign-out, disabling and role
 * changes bump it), and the session is within its idle and absolute lifetimes.
 */
export function judgeSession(claims: SessionClaims, person: SessionPerson | null, now: number, lifetime: SessionLifetime): SessionState {
  if (!claims.personId) return { actor: null, reason: "signed-out" };
  const times = checkLifetime(claims, now, lifetime);
  if (!times.ok) return { actor: null, reason: times.reason };
  if (!person) return { actor: null, reason: "unknown-person" };
  if (person.disabled) return { actor: null, reason: "disabled" };
  if (claims.sessionVersion !== person.sessionVersion) return { actor: null, reason: "revoked" };
  return { actor: { id: person.id, email: person.email, name: person.name, roles: effectiveRoles(person) } };
}
