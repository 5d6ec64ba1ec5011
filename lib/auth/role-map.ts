import { ROLES, isRole, type Role } from "./roles";

/** Group name → the portal roles it gives. */
export type RoleMap = Map<string, Role[]>;

export type RoleMapParse = { ok: true; map: RoleMap } | { ok: false; errors: string[] };

/**
 * Parses AUTH_OIDC_ROLE_MAP: `group=ROLE` entries separated by commas, e.g.
 * `ops-sre=SRE,ops-ic=INCIDENT_COMMANDER,sec=INFOSEC`. Where group names contain commas (LDAP DNs), separate the
 * entries by semicolons or lines instead; the role is what follows the last `=`. A group listed twice gives both
 * roles. Role names are case-insensitive. Every bad entry is named with its position and what is wrong.
 */
export function parseRoleMap(text: string | undefined): RoleMapParse {
  const map: RoleMap = new Map();
  const errors: string[] = [];
  if (!text?.trim()) return { ok: true, map };
  const entries = /[;\n]/.test(text) ? text.split(/[;\n]/) : text.split(",");
  entries.forEach((raw, i) => {
    const entry = raw.trim();
    if (!entry) return;
    const at = `entry ${i + 1} "${entry}"`;
    const eq = entry.lastIndexOf("=");
    if (eq < 0) return void errors.push(`${at}: expected group=ROLE`);
    const group = entry.slice(0, eq).trim();
    const role = entry.slice(eq + 1).trim().toUpperCase();
    if (!group) return void errors.push(`${at}: the group name is empty`);
    if (!role) return void errors.push(`${at}: the role is empty`);
    if (!isRole(role)) return void errors.push(`${at}: unknown role "${entry.slice(eq + 1).trim()}" (roles: ${ROLES.join(", ")})`);
    const roles = map.get(group) ?? [];
    if (!roles.includes(role)) map.set(group, [...roles, role]);
  });
  return errors.length ? { ok: false, errors } : { ok: true, map };
}

/** The roles a person's groups give, once each, in the portal's role order. Group names match exactly. */
export function rolesFromGroups(groups: readonly string[], map: RoleMap): Role[] {
  const held = new Set(groups.flatMap((g) => map.get(g) ?? []));
  return ROLES.filter((r) => held.has(r));
}

/**
 * The groups in the claim named by AUTH_OIDC_ROLES_CLAIM: a claim of exactly that name, or else a dotted path into
 * nested claims (Keycloak's `realm_access.roles`). A list keeps its strings; a single string is one group.
 * `found` is false when the claim is missing or holds neither, so a refusal can say so.
 */
export function groupsFromClaims(claims: Record<string, unknown>, claimName: string): { groups: string[]; found: boolean } {
  let value: unknown = claims[claimName];
  if (value === undefined && claimName.includes(".")) {
    value = claimName.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), claims);
  }
  if (typeof value === "string") return { groups: [value], found: true };
  if (Array.isArray(value)) return { groups: value.filter((g): g is string => typeof g === "string"), found: true };
  return { groups: [], found: false };
}
