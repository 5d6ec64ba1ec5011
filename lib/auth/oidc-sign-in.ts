import type { Db, Tx } from "../db";
import { appendAudit } from "../audit/log";
import { decideOidcSignIn, identityFromClaims, type KnownPerson, type RefusalReason } from "./oidc-decision";
import { groupsFromClaims, rolesFromGroups, type RoleMap } from "./role-map";
import { effectiveRoles } from "./session-state";
import { personSnapshot } from "../access/snapshot";
import type { Role } from "./roles";

export type OidcSettings = { rolesClaim: string; roleMap: RoleMap; trustEmail: boolean };

export type OidcSignInResult = { ok: true; personId: string; created: boolean } | { ok: false; reason: RefusalReason; detail: string };

const KNOWN = { id: true, email: true, roles: true, idpRoles: true, blockedRoles: true, disabled: true, oidcIssuer: true, oidcSubject: true } as const;
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const actorOf = (p: { id: string; email: string; roles: string[]; idpRoles: string[]; blockedRoles?: string[] | null }) => ({ id: p.id, email: p.email, roles: effectiveRoles(p) });

async function recordIdpRoles(tx: Tx, person: KnownPerson, idpRoles: Role[], mappedGroups: string[]) {
  if (same(person.idpRoles, idpRoles)) return;
  // The trigger person_session_version ends the person's other sessions.
  await tx.person.update({ where: { id: person.id }, data: { idpRoles } });
  await appendAudit(tx, {
    actor: actorOf({ ...person, idpRoles }),
    action: "person.idp_roles",
    target: { type: "person", id: person.id },
    // before/after: the IdP roles; effective*: what the person could do before and after (lib/access/history.ts).
    details: {
      source: "identity provider",
      before: person.idpRoles,
      after: idpRoles,
      mappedGroups,
      effectiveBefore: effectiveRoles(person),
      effectiveAfter: effectiveRoles({ ...person, idpRoles }),
    },
  });
}

/**
 * Applies an OIDC sign-in to the portal's people, in one transaction: finds the person by issuer and subject (or
 * by verified email at the first sign-in, then binds them), recomputes their IdP roles from the groups claim,
 * creates a mapped stranger just in time, and records each change in the audit chain. Returns who signed in, or
 * why not (the reason for the sign-in page, the detail for the log). `claims` are the ID token's and userinfo's
 * together (mergeOidcClaims).
 */
export async function signInWithOidcClaims(client: Db, claims: Record<string, unknown>, settings: OidcSettings): Promise<OidcSignInResult> {
  const identity = identityFromClaims(claims);
  if (!identity.issuer || !identity.subject) return { ok: false, reason: "oidc-no-email", detail: "the ID token has no issuer or subject" };
  const { groups, found } = groupsFromClaims(claims, settings.rolesClaim);
  const idpRoles = rolesFromGroups(groups, settings.roleMap);
  const mappedGroups = groups.filter((g) => settings.roleMap.has(g));
  return client.$transaction(async (tx) => {
    const byIdentity = await tx.person.findUnique({ where: { oidcIssuer_oidcSubject: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } }, select: KNOWN });
    const byEmail = !byIdentity && identity.email ? await tx.person.findUnique({ where: { email: identity.email }, select: KNOWN }) : null;
    const decision = decideOidcSignIn({ identity, idpRoles, groups, groupsClaim: { name: settings.rolesClaim, found }, byIdentity, byEmail, trustEmail: settings.trustEmail });

    if (decision.kind === "refuse") {
      const known = byIdentity ?? byEmail;
      if (decision.personId && decision.idpRoles && known) await recordIdpRoles(tx, known, decision.idpRoles, mappedGroups);
      return { ok: false, reason: decision.reason, detail: decision.detail };
    }

    if (decision.kind === "create") {
      const person = await tx.person.create({
        data: { email: decision.email, name: decision.name, roles: [], idpRoles: decision.idpRoles, oidcIssuer: identity.issuer, oidcSubject: identity.subject, lastSignInAt: new Date() },
      });
      await appendAudit(tx, {
        actor: actorOf(person),
        action: "person.create",
        target: { type: "person", id: person.id },
        details: {
          source: "identity provider (just in time)",
          issuer: identity.issuer,
          subject: identity.subject,
          email: person.email,
          name: person.name,
          idpRoles: decision.idpRoles,
          mappedGroups,
          before: null,
          after: personSnapshot(person),
        },
      });
      return { ok: true, personId: person.id, created: true };
    }

    const person = (byIdentity ?? byEmail)!;
    if (decision.link) {
      await tx.person.update({ where: { id: person.id }, data: { oidcIssuer: identity.issuer, oidcSubject: identity.subject } });
      await appendAudit(tx, {
        actor: actorOf(person),
        action: "person.identity_bound",
        target: { type: "person", id: person.id },
        details: { source: "identity provider", email: person.email, before: { issuer: person.oidcIssuer, subject: person.oidcSubject }, after: { issuer: identity.issuer, subject: identity.subject } },
      });
    }
    await recordIdpRoles(tx, person, decision.idpRoles, mappedGroups);
    await tx.person.update({ where: { id: person.id }, data: { lastSignInAt: new Date() } });
    return { ok: true, personId: person.id, created: false };
  });
}
