import { describe, expect, it } from "vitest";
import { decideOidcSignIn, identityFromClaims, type KnownPerson } from "./oidc-decision";

const issuer = "https://idp.corp.example";
const identity = { issuer, subject: "u-123", email: "nia.obi@corp.example", emailVerified: true, name: "Nia Obi" };
const person = (over: Partial<KnownPerson> = {}): KnownPerson => ({
  id: "p1",
  email: "nia.obi@corp.example",
  roles: [],
  idpRoles: [],
  disabled: false,
  oidcIssuer: issuer,
  oidcSubject: "u-123",
  ...over,
});
const decide = (over: Partial<Parameters<typeof decideOidcSignIn>[0]>) =>
  decideOidcSignIn({ identity, idpRoles: [], byIdentity: null, byEmail: null, trustEmail: false, ...over });

describe("an OIDC sign-in by a person already bound to this issuer and subject", () => {
  it("is admitted with the roles their groups map to now", () => {
    expect(decide({ byIdentity: person({ idpRoles: ["AUDITOR"] }), idpRoles: ["SRE"] })).toEqual({ kind: "admit", personId: "p1", link: false, idpRoles: ["SRE"] });
  });

  it("is admitted on roles granted in the portal alone (no mapped group)", () => {
    expect(decide({ byIdentity: person({ roles: ["INFOSEC"] }) })).toEqual({ kind: "admit", personId: "p1", link: false, idpRoles: [] });
  });

  it("is admitted whatever email the provider sends now (the identity is issuer and subject)", () => {
    expect(decide({ identity: { ...identity, email: undefined, emailVerified: undefined }, byIdentity: person({ roles: ["SRE"] }) })).toMatchObject({ kind: "admit" });
  });

  it("is refused when no role is left, and the lost IdP roles are recorded", () => {
    expect(decide({ byIdentity: person({ idpRoles: ["SRE"] }), idpRoles: [] })).toMatchObject({ kind: "refuse", reason: "oidc-no-role", personId: "p1", idpRoles: [] });
  });

  it("is refused when every role their groups map to was blocked here, and admitted while one is not", () => {
    expect(decide({ byIdentity: person({ blockedRoles: ["SRE"] }), idpRoles: ["SRE"] })).toMatchObject({ kind: "refuse", reason: "oidc-no-role" });
    expect(decide({ byIdentity: person({ blockedRoles: ["SRE"] }), idpRoles: ["SRE", "PRODUCT"] })).toMatchObject({ kind: "admit" });
    expect(decide({ byEmail: person({ oidcIssuer: null, oidcSubject: null, blockedRoles: ["SRE"] }), idpRoles: ["SRE"] })).toMatchObject({ kind: "refuse", reason: "oidc-no-role" });
  });

  it("is refused when the person is disabled", () => {
    expect(decide({ byIdentity: person({ disabled: true, roles: ["SRE"] }) })).toMatchObject({ kind: "refuse", reason: "oidc-disabled" });
  });
});

describe("the first OIDC sign-in of a person the portal knows by email", () => {
  const unlinked = person({ oidcIssuer: null, oidcSubject: null, roles: ["SRE"] });

  it("binds issuer and subject when the provider says the email is verified", () => {
    expect(decide({ byEmail: unlinked })).toEqual({ kind: "admit", personId: "p1", link: true, idpRoles: [] });
  });

  it("is refused when the email is not verified, or the provider does not say", () => {
    for (const emailVerified of [false, undefined, "true" as unknown as boolean]) {
      const d = decide({ identity: { ...identity, emailVerified }, byEmail: unlinked });
      expect(d).toMatchObject({ kind: "refuse", reason: "oidc-email-unverified" });
      if (d.kind === "refuse") expect(d.detail).toContain("email_verified");
    }
  });

  it("binds an unverified email only where the operator said to trust the provider's emails", () => {
    expect(decide({ identity: { ...identity, emailVerified: undefined }, byEmail: unlinked, trustEmail: true })).toMatchObject({ kind: "admit", link: true });
  });

  it("is refused when that person is already bound to another identity", () => {
    const other = person({ oidcSubject: "u-999", roles: ["SRE"] });
    const d = decide({ byEmail: other });
    expect(d).toMatchObject({ kind: "refuse", reason: "oidc-identity-conflict" });
    if (d.kind === "refuse") expect(d.detail).toContain("u-999");
  });

  it("is refused when that person is disabled or has no role", () => {
    expect(decide({ byEmail: { ...unlinked, disabled: true } })).toMatchObject({ kind: "refuse", reason: "oidc-disabled" });
    expect(decide({ byEmail: { ...unlinked, roles: [] } })).toMatchObject({ kind: "refuse", reason: "oidc-no-role" });
  });
});

describe("the first OIDC sign-in of someone the portal does not know", () => {
  it("creates the person just in time when a group maps to a role", () => {
    expect(decide({ idpRoles: ["SRE"] })).toEqual({ kind: "create", email: "nia.obi@corp.example", name: "Nia Obi", idpRoles: ["SRE"] });
  });

  it("refuses a stranger whose groups map to nothing, saying which groups came", () => {
    const d = decide({ groups: ["marketing"] });
    expect(d).toMatchObject({ kind: "refuse", reason: "oidc-no-role" });
    if (d.kind === "refuse") expect(d.detail).toContain("marketing");
  });

  it("refuses a mapped stranger whose email is not verified", () => {
    expect(decide({ identity: { ...identity, emailVerified: false }, idpRoles: ["SRE"] })).toMatchObject({ kind: "refuse", reason: "oidc-email-unverified" });
  });

  it("refuses when the provider sent no email", () => {
    const d = decide({ identity: { ...identity, email: undefined }, idpRoles: ["SRE"] });
    expect(d).toMatchObject({ kind: "refuse", reason: "oidc-no-email" });
    if (d.kind === "refuse") expect(d.detail).toContain("AUTH_OIDC_SCOPES");
  });
});

describe("claims", () => {
  it("give issuer, subject, a lower-case email, email_verified and a name", () => {
    expect(identityFromClaims({ iss: issuer, sub: "u-1", email: "Nia.Obi@Corp.Example", email_verified: true, name: "Nia Obi" })).toEqual({
      issuer,
      subject: "u-1",
      email: "nia.obi@corp.example",
      emailVerified: true,
      name: "Nia Obi",
    });
  });

  it("take a name from preferred_username, given and family name, or the email", () => {
    expect(identityFromClaims({ iss: issuer, sub: "u", preferred_username: "nobi" }).name).toBe("nobi");
    expect(identityFromClaims({ iss: issuer, sub: "u", given_name: "Nia", family_name: "Obi" }).name).toBe("Nia Obi");
    expect(identityFromClaims({ iss: issuer, sub: "u", email: "nia@corp.example" }).name).toBe("nia");
  });

  it("keep email_verified only when it is the boolean true (some providers send the string)", () => {
    expect(identityFromClaims({ iss: issuer, sub: "u", email_verified: "true" }).emailVerified).toBe(false);
  });
});

describe("refusal details", () => {
  it("say when the groups claim did not come at all", () => {
    const d = decideOidcSignIn({ identity, idpRoles: [], groups: [], groupsClaim: { name: "groups", found: false }, byIdentity: null, byEmail: null, trustEmail: false });
    expect(d.kind === "refuse" && d.detail).toContain('no "groups" claim was sent');
  });

  it("list at most twenty groups", () => {
    const groups = Array.from({ length: 25 }, (_, i) => `g${i}`);
    const d = decideOidcSignIn({ identity, idpRoles: [], groups, byIdentity: null, byEmail: null, trustEmail: false });
    expect(d.kind === "refuse" && d.detail).toMatch(/g19 and 5 more/);
  });
});
