/**
 * Issue 13 items 1 and 2: an OIDC sign-in binds issuer and subject, recomputes the IdP roles, creates mapped
 * strangers just in time, and records each change in the audit chain (which still verifies).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "@/lib/audit/log";
import { signInWithOidcClaims, type OidcSettings } from "@/lib/auth/oidc-sign-in";
import { parseRoleMap } from "@/lib/auth/role-map";
import type { Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
});
afterAll(async () => {
  await client.$disconnect();
});

const iss = "https://idp.corp.example";
const map = parseRoleMap("ops-sre=SRE,ops-ic=INCIDENT_COMMANDER,sec=INFOSEC");
if (!map.ok) throw new Error("bad map");
const settings: OidcSettings = { rolesClaim: "groups", roleMap: map.map, trustEmail: false };
const events = (action: string, targetId: string) => client.auditEvent.findMany({ where: { action, targetId }, orderBy: { seq: "asc" } });

describe("OIDC sign-in", () => {
  it("creates a stranger whose group maps to SRE, bound to issuer and subject, as an audit event", async () => {
    const claims = { iss, sub: "u-new", email: "Nia.Obi@corp.example", email_verified: true, name: "Nia Obi", groups: ["ops-sre", "all-staff"] };
    const result = await signInWithOidcClaims(client, claims, settings);
    expect(result).toMatchObject({ ok: true, created: true });
    if (!result.ok) return;
    const person = await client.person.findUniqueOrThrow({ where: { id: result.personId } });
    expect(person).toMatchObject({ email: "nia.obi@corp.example", name: "Nia Obi", roles: [], idpRoles: ["SRE"], oidcIssuer: iss, oidcSubject: "u-new", disabled: false });
    expect(person.lastSignInAt).not.toBeNull();
    const [created] = await events("person.create", person.id);
    expect(created).toMatchObject({ actorId: person.id, actorRoles: ["SRE"], targetType: "person" });
    expect(created.details).toMatchObject({ source: "identity provider (just in time)", issuer: iss, subject: "u-new", email: "nia.obi@corp.example", idpRoles: ["SRE"], mappedGroups: ["ops-sre"] });
  });

  it("signs the same identity in again, recomputing its IdP roles from the groups it has now (audited, sessions ended)", async () => {
    const before = await client.person.findUniqueOrThrow({ where: { email: "nia.obi@corp.example" } });
    const result = await signInWithOidcClaims(client, { iss, sub: "u-new", groups: ["ops-ic"] }, settings);
    expect(result).toEqual({ ok: true, personId: before.id, created: false });
    const after = await client.person.findUniqueOrThrow({ where: { id: before.id } });
    expect(after.idpRoles).toEqual(["INCIDENT_COMMANDER"]);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    const [changed] = await events("person.idp_roles", before.id);
    expect(changed.details).toMatchObject({ before: ["SRE"], after: ["INCIDENT_COMMANDER"], source: "identity provider" });
  });

  it("binds a person the portal knows by a verified email at their first sign-in (audited)", async () => {
    const sam = await client.person.findUniqueOrThrow({ where: { email: "sam.rivera@ops.example" } });
    const result = await signInWithOidcClaims(client, { iss, sub: "u-sam", email: "sam.rivera@ops.example", email_verified: true }, settings);
    expect(result).toEqual({ ok: true, personId: sam.id, created: false });
    expect(await client.person.findUniqueOrThrow({ where: { id: sam.id } })).toMatchObject({ oidcIssuer: iss, oidcSubject: "u-sam", roles: ["SRE"], idpRoles: [] });
    const [bound] = await events("person.identity_bound", sam.id);
    expect(bound.details).toMatchObject({ before: { issuer: null, subject: null }, after: { issuer: iss, subject: "u-sam" } });
  });

  it("refuses another identity that presents the same email later", async () => {
    const result = await signInWithOidcClaims(client, { iss, sub: "u-impostor", email: "sam.rivera@ops.example", email_verified: true, groups: ["ops-sre"] }, settings);
    expect(result).toMatchObject({ ok: false, reason: "oidc-identity-conflict" });
  });

  it("refuses a first link by an unverified email and binds nothing", async () => {
    const result = await signInWithOidcClaims(client, { iss, sub: "u-ines", email: "ines.carter@ops.example", email_verified: false, groups: ["ops-ic"] }, settings);
    expect(result).toMatchObject({ ok: false, reason: "oidc-email-unverified" });
    expect(await client.person.findUniqueOrThrow({ where: { email: "ines.carter@ops.example" } })).toMatchObject({ oidcIssuer: null, oidcSubject: null, idpRoles: [] });
  });

  it("refuses a stranger whose groups map to nothing, and creates nobody", async () => {
    const count = await client.person.count();
    const result = await signInWithOidcClaims(client, { iss, sub: "u-stranger", email: "eve@corp.example", email_verified: true, groups: ["marketing"] }, settings);
    expect(result).toMatchObject({ ok: false, reason: "oidc-no-role" });
    if (!result.ok) expect(result.detail).toContain("marketing");
    expect(await client.person.count()).toBe(count);
  });

  it("refuses a known person whose last mapped group was taken away, and records the loss", async () => {
    const nia = await client.person.findUniqueOrThrow({ where: { email: "nia.obi@corp.example" } });
    const result = await signInWithOidcClaims(client, { iss, sub: "u-new", groups: [] }, settings);
    expect(result).toMatchObject({ ok: false, reason: "oidc-no-role" });
    expect((await client.person.findUniqueOrThrow({ where: { id: nia.id } })).idpRoles).toEqual([]);
    const changes = await events("person.idp_roles", nia.id);
    expect(changes.at(-1)?.details).toMatchObject({ before: ["INCIDENT_COMMANDER"], after: [] });
  });

  it("leaves a chain that verifies", async () => {
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});
