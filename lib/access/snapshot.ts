import { effectiveRoles } from "../auth/session-state";
import type { Role } from "../auth/roles";

/** A person as far as access goes. */
export type AccessPerson = {
  email: string;
  name: string;
  roles: readonly string[];
  idpRoles: readonly string[];
  blockedRoles?: readonly string[] | null;
  disabled: boolean;
};

/** What an audit event records of a person before and after a change: enough to rebuild who held which role when. */
export type PersonSnapshot = {
  email: string;
  name: string;
  /** Granted in the portal. */
  roles: string[];
  /** Mapped from the identity provider's groups at the last sign-in. */
  idpRoles: string[];
  /** IdP roles an administrator revoked here. */
  blockedRoles: string[];
  disabled: boolean;
  /** What the person could do: granted, or from the identity provider and not blocked. */
  effectiveRoles: Role[];
};

export function personSnapshot(p: AccessPerson): PersonSnapshot {
  const roles = [...p.roles];
  const idpRoles = [...p.idpRoles];
  const blockedRoles = [...(p.blockedRoles ?? [])];
  return { email: p.email, name: p.name, roles, idpRoles, blockedRoles, disabled: p.disabled, effectiveRoles: effectiveRoles({ roles, idpRoles, blockedRoles }) };
}
