import type { Role } from "./roles";

/** Who signed in, as the provider's claims (ID token and userinfo together) say. */
export type OidcIdentity = { issuer: string; subject: string; email?: string; emailVerified?: boolean; name?: string };

/** A person as the decision needs them. */
export type KnownPerson = {
  id: string;
  email: string;
  roles: string[];
  idpRoles: string[];
  /** IdP roles an administrator revoked here: they give no access whatever the groups say. */
  blockedRoles?: string[] | null;
  disabled: boolean;
  oidcIssuer: string | null;
  oidcSubject: string | null;
};

/** Why a sign-in was refused: the code goes to the sign-in page (`?error=`), the detail to the log. */
export type RefusalReason = "oidc-no-role" | "oidc-email-unverified" | "oidc-identity-conflict" | "oidc-no-email" | "oidc-disabled";

export type OidcDecision =
  | { kind: "admit"; personId: string; link: boolean; idpRoles: Role[] }
  | { kind: "create"; email: string; name: string; idpRoles: Role[] }
  /** With personId and idpRoles: record the person's IdP roles as they are now, although refused. */
  | { kind: "refuse"; reason: RefusalReason; detail: string; personId?: string; idpRoles?: Role[] };

export type OidcDecisionInput = {
  identity: OidcIdentity;
  /** The roles the person's groups map to now (AUTH_OIDC_ROLE_MAP). */
  idpRoles: Role[];
  /** The groups the provider sent, and the claim they came in (for the log). */
  groups?: string[];
  groupsClaim?: { name: string; found: boolean };
  /** The person bound to this issuer and subject, if any. */
  byIdentity: KnownPerson | null;
  /** The person with the identity's email, if any (looked up only when nobody is bound to the identity). */
  byEmail: KnownPerson | null;
  /** AUTH_OIDC_TRUST_EMAIL: treat every email the provider sends as verified. */
  trustEmail: boolean;
};

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** Issuer, subject, email (lower case), whether it is verified (only the boolean true counts) and a display name. */
export function identityFromClaims(claims: Record<string, unknown>): OidcIdentity {
  const email = str(claims.email)?.toLowerCase();
  const given = [str(claims.given_name), str(claims.family_name)].filter(Boolean).join(" ");
  return {
    issuer: String(claims.iss ?? ""),
    subject: String(claims.sub ?? ""),
    email,
    emailVerified: claims.email_verified === true,
    name: str(claims.name) ?? str(claims.preferred_username) ?? (given || undefined) ?? email?.split("@")[0],
  };
}

const hasRole = (p: Pick<KnownPerson, "roles" | "blockedRoles">, idpRoles: Role[]) => p.roles.length > 0 || idpRoles.some((r) => !(p.blockedRoles ?? []).includes(r));
function groupList(input: Pick<OidcDecisionInput, "groups" | "groupsClaim">): string {
  const claim = input.groupsClaim;
  if (claim && !claim.found) return `no "${claim.name}" claim was sent: check AUTH_OIDC_ROLES_CLAIM, and whether the provider needs a scope for it`;
  const groups = input.groups ?? [];
  if (!groups.length) return "no groups sent";
  const shown = groups.slice(0, 20).join(", ");
  return `groups sent: ${shown}${groups.length > 20 ? ` and ${groups.length - 20} more` : ""}`;
}

/**
 * Decides an OIDC sign-in. The person's identity is the issuer plus subject, bound at the first sign-in:
 * 1. Someone bound to it is admitted if not disabled and holding a role (granted here, or from a group now).
 * 2. Else the person with the same email is bound to it, only if the provider says the email is verified
 *    (`email_verified: true`, or AUTH_OIDC_TRUST_EMAIL) and that person is not bound to another identity.
 * 3. Else someone whose groups map to a role (and whose email is verified) is created just in time.
 * Anyone else is refused, with a reason for the page and a detail for the log.
 */
export function decideOidcSignIn(input: OidcDecisionInput): OidcDecision {
  const { identity, idpRoles, byIdentity, byEmail, trustEmail } = input;
  const verified = trustEmail || identity.emailVerified === true;
  const who = `${identity.email ?? "(no email)"} (issuer ${identity.issuer}, subject ${identity.subject})`;

  if (byIdentity) {
    if (byIdentity.disabled) return { kind: "refuse", reason: "oidc-disabled", detail: `${who}: the person is disabled in the portal` };
    if (!hasRole(byIdentity, idpRoles)) {
      return { kind: "refuse", reason: "oidc-no-role", detail: `${who}: no role granted in the portal and no mapped group (${groupList(input)})`, personId: byIdentity.id, idpRoles };
    }
    return { kind: "admit", personId: byIdentity.id, link: false, idpRoles };
  }

  if (!identity.email) {
    return { kind: "refuse", reason: "oidc-no-email", detail: `${who}: unknown identity and the provider sent no email claim (check that AUTH_OIDC_SCOPES includes "email")` };
  }
  const unverified = `${who}: email_verified is ${identity.emailVerified === undefined ? "missing" : "not true"}, so the email cannot be trusted for a first sign-in (AUTH_OIDC_TRUST_EMAIL is off)`;

  if (byEmail) {
    if (byEmail.oidcSubject !== null || byEmail.oidcIssuer !== null) {
      return { kind: "refuse", reason: "oidc-identity-conflict", detail: `${who}: the person with this email is bound to another identity (issuer ${byEmail.oidcIssuer}, subject ${byEmail.oidcSubject})` };
    }
    if (!verified) return { kind: "refuse", reason: "oidc-email-unverified", detail: unverified };
    if (byEmail.disabled) return { kind: "refuse", reason: "oidc-disabled", detail: `${who}: the person is disabled in the portal` };
    if (!hasRole(byEmail, idpRoles)) return { kind: "refuse", reason: "oidc-no-role", detail: `${who}: no role granted in the portal and no mapped group (${groupList(input)})` };
    return { kind: "admit", personId: byEmail.id, link: true, idpRoles };
  }

  if (!idpRoles.length) return { kind: "refuse", reason: "oidc-no-role", detail: `${who}: not a portal user and no group maps to a role (${groupList(input)})` };
  if (!verified) return { kind: "refuse", reason: "oidc-email-unverified", detail: unverified };
  return { kind: "create", email: identity.email, name: identity.name ?? identity.email, idpRoles };
}
