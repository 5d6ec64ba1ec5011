/**
 * Issue 13 items 3 and 6 against PostgreSQL: access administration through the action wrapper (every refusal audited
 * and nothing changed, privileged grants decided by a second administrator, sessions ended by every change), and
 * the access review rebuilt from the audit events those changes and sign-ins write.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { executeAction } from "@/lib/actions/safe-action";
import type { ActionResult } from "@/lib/actions/result";
import { addPersonAction, decideGrantAction, exportAccessReviewAction, grantRoleAction, revokeRoleAction, setDisabledAction } from "@/lib/access/actions";
import { answerApprovers, loadRoleHistory } from "@/lib/access/load";
import { verifyChain } from "@/lib/audit/log";
import { signInWithOidcClaims } from "@/lib/auth/oidc-sign-in";
import { parseRoleMap } from "@/lib/auth/role-map";
import { effectiveRoles, judgeSession } from "@/lib/auth/session-state";
import type { Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import pg from "pg";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let superUrl: string;
let omar: Actor; // InfoSec
let mei: Actor; // InfoSec
let sam: Actor; // SRE
let ada: Actor; // Auditor

beforeAll(async () => {
  ({ client, superUrl } = await useFreshDatabase({ seed: true }));
  omar = await actorByEmail(client, "omar.haddad@ops.example");
  mei = await actorByEmail(client, "mei.tanaka@ops.example");
  sam = await actorByEmail(client, "sam.rivera@ops.example");
  ada = await actorByEmail(client, "ada.mensah@ops.example");
});
afterAll(async () => {
  await client.$disconnect();
});

/** Everything an access change can touch: people (roles, flags, session versions) and grant requests. */
async function state() {
  const people = await client.person.findMany({ orderBy: { email: "asc" }, select: { email: true, roles: true, idpRoles: true, blockedRoles: true, disabled: true, sessionVersion: true } });
  const requests = await client.accessRequest.findMany({ orderBy: { id: "asc" } });
  return { people, requests };
}
const lastEvent = () => client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
const person = (email: string) => client.person.findUniqueOrThrow({ where: { email } });
const ok = <T,>(r: ActionResult<T>): T => {
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.data;
};

/** Runs an action that must be refused: the refusal is returned, audited as refused, and nothing else changes. */
async function refused<T>(promise: () => Promise<ActionResult<T>>, code: string, message: RegExp, actor: Actor) {
  const before = await state();
  const events = await client.auditEvent.count();
  const result = await promise();
  expect(result).toMatchObject({ ok: false, code });
  if (!result.ok) expect(result.message).toMatch(message);
  expect(await state()).toEqual(before);
  expect(await client.auditEvent.count()).toBe(events + 1);
  const event = await lastEvent();
  expect(event).toMatchObject({ outcome: "refused", actorId: actor.id });
  expect(String((event.details as { reason?: string }).reason)).toMatch(message);
  return event;
}

describe("who may administer access", () => {
  it("refuses an SRE and an auditor (no access.admin), audited, nothing changed", async () => {
    const ben = await person("ben.ortiz@ops.example");
    await refused(() => executeAction(grantRoleAction, sam, { personId: ben.id, role: "PRODUCT" }), "FORBIDDEN", /permission/, sam);
    await refused(() => executeAction(setDisabledAction, ada, { personId: ben.id, state: "disabled" }), "FORBIDDEN", /permission/, ada);
  });

  it("refuses an administrator changing their own roles or disabling themselves", async () => {
    for (const call of [
      () => executeAction(grantRoleAction, omar, { personId: omar.id, role: "AUDITOR" }),
      () => executeAction(grantRoleAction, omar, { personId: omar.id, role: "PRODUCT" }),
      () => executeAction(revokeRoleAction, omar, { personId: omar.id, role: "INFOSEC" }),
      () => executeAction(setDisabledAction, omar, { personId: omar.id, state: "disabled" }),
    ]) {
      const event = await refused(call, "FORBIDDEN", /yourself: another administrator must do it/, omar);
      expect(event).toMatchObject({ targetType: "person", targetId: omar.id });
    }
  });
});

describe("adding a person", () => {
  it("creates them with ordinary roles at once and requests the privileged ones, with before and after", async () => {
    const data = ok(await executeAction(addPersonAction, omar, { email: " Kai.Berg@Ops.Example ", name: "Kai Berg", roles: ["AUDITOR", "PRODUCT"] }));
    expect(data).toMatchObject({ granted: ["PRODUCT"], requested: ["AUDITOR"] });
    const kai = await person("kai.berg@ops.example");
    expect(kai).toMatchObject({ name: "Kai Berg", roles: ["PRODUCT"], disabled: false });
    expect(await client.accessRequest.findMany({ where: { personId: kai.id } })).toMatchObject([{ role: "AUDITOR", status: "PENDING", requestedById: omar.id }]);
    const event = await lastEvent();
    expect(event).toMatchObject({ action: "access.person.added", outcome: "allowed", actorId: omar.id, targetType: "person", targetId: kai.id });
    expect(event.details).toMatchObject({ source: "portal", before: null, after: { email: "kai.berg@ops.example", roles: ["PRODUCT"], effectiveRoles: ["PRODUCT"], disabled: false } });
  });

  it("refuses an email already in the portal, audited, nothing changed", async () => {
    await refused(() => executeAction(addPersonAction, omar, { email: "sam.rivera@ops.example", name: "Sam Again", roles: ["SRE"] }), "CONFLICT", /already in the portal/, omar);
  });
});

describe("granting and revoking", () => {
  it("grants an ordinary role at once and ends the person's sessions", async () => {
    const before = await person("ben.ortiz@ops.example");
    ok(await executeAction(grantRoleAction, omar, { personId: before.id, role: "PRODUCT", reason: "covers for Lena" }));
    const after = await person("ben.ortiz@ops.example");
    expect(after.roles).toEqual(["BUSINESS", "PRODUCT"]);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(judgeSession({ personId: before.id, sessionVersion: before.sessionVersion, authTime: 1, lastSeen: 1 }, after, 2, { idleSeconds: 3600, maxSeconds: 3600 })).toEqual({ actor: null, reason: "revoked" });
    const event = await lastEvent();
    expect(event).toMatchObject({ action: "access.role.granted", targetId: before.id });
    expect(event.details).toMatchObject({ role: "PRODUCT", reason: "covers for Lena", before: { roles: ["BUSINESS"] }, after: { roles: ["BUSINESS", "PRODUCT"] } });
  });

  it("refuses granting a role already granted here, audited, nothing changed", async () => {
    const ben = await person("ben.ortiz@ops.example");
    await refused(() => executeAction(grantRoleAction, omar, { personId: ben.id, role: "BUSINESS" }), "CONFLICT", /already holds Business/, omar);
  });

  it("refuses an unknown person, audited", async () => {
    await refused(() => executeAction(revokeRoleAction, omar, { personId: "00000000-0000-4000-8000-000000000000", role: "SRE" }), "NOT_FOUND", /no such person/, omar);
  });

  it("revokes a role granted here and ends the person's sessions", async () => {
    const before = await person("ben.ortiz@ops.example");
    ok(await executeAction(revokeRoleAction, mei, { personId: before.id, role: "PRODUCT" }));
    const after = await person("ben.ortiz@ops.example");
    expect(after).toMatchObject({ roles: ["BUSINESS"], blockedRoles: [], sessionVersion: before.sessionVersion + 1 });
    expect((await lastEvent()).details).toMatchObject({ role: "PRODUCT", blockedIdpRole: false, before: { roles: ["BUSINESS", "PRODUCT"] }, after: { roles: ["BUSINESS"] } });
  });
});

describe("a privileged grant needs a second administrator", () => {
  let requestId: string;
  let lena: Awaited<ReturnType<typeof person>>;

  it("records a request and changes no role (and no session)", async () => {
    lena = await person("lena.fischer@ops.example");
    const data = ok(await executeAction(grantRoleAction, omar, { personId: lena.id, role: "AUDITOR", reason: "quarterly review" }));
    expect(data.kind).toBe("requested");
    requestId = data.requestId!;
    expect(await person(lena.email)).toMatchObject({ roles: ["PRODUCT"], sessionVersion: lena.sessionVersion });
    expect(await lastEvent()).toMatchObject({ action: "access.grant.requested", targetId: lena.id, details: expect.objectContaining({ requestId, role: "AUDITOR" }) });
  });

  it("refuses a second request for the same role while one waits", async () => {
    await refused(() => executeAction(grantRoleAction, mei, { personId: lena.id, role: "AUDITOR" }), "CONFLICT", /already waiting/, mei);
  });

  it("is backed by the database: a second pending request for the same person and role cannot be stored", async () => {
    const row = { personId: lena.id, role: "AUDITOR" as const, requestedById: mei.id, requestedBy: mei.name };
    await expect(client.accessRequest.create({ data: row })).rejects.toThrow(/access_request_one_pending|Unique constraint/);
    const decided = await client.accessRequest.create({ data: { ...row, status: "REJECTED" } });
    // The portal's role deletes nothing; set-up is undone as the superuser.
    const su = new pg.Client({ connectionString: superUrl });
    await su.connect();
    await su.query(`DELETE FROM access_request WHERE id = $1`, [decided.id]).finally(() => su.end());
  });

  it("refuses the requester's own approval, audited, nothing changed", async () => {
    await refused(() => executeAction(decideGrantAction, omar, { requestId, decision: "approve" }), "FORBIDDEN", /You requested this grant/, omar);
  });

  it("refuses the grantee's approval even when they administer access", async () => {
    const r = ok(await executeAction(grantRoleAction, omar, { personId: mei.id, role: "AUDITOR" }));
    await refused(() => executeAction(decideGrantAction, mei, { requestId: r.requestId!, decision: "approve" }), "FORBIDDEN", /your own roles/, mei);
    await refused(() => executeAction(decideGrantAction, mei, { requestId: r.requestId!, decision: "reject" }), "FORBIDDEN", /your own roles/, mei);
    ok(await executeAction(decideGrantAction, omar, { requestId: r.requestId!, decision: "reject" }));
    expect(await client.accessRequest.findUniqueOrThrow({ where: { id: r.requestId! } })).toMatchObject({ status: "WITHDRAWN", decidedById: omar.id });
    expect(await lastEvent()).toMatchObject({ action: "access.grant.withdrawn", targetId: mei.id });
  });

  it("grants the role when a second administrator approves, ending the grantee's sessions", async () => {
    ok(await executeAction(decideGrantAction, mei, { requestId, decision: "approve" }));
    const after = await person(lena.email);
    expect(after).toMatchObject({ roles: ["PRODUCT", "AUDITOR"], sessionVersion: lena.sessionVersion + 1 });
    expect(await client.accessRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({ status: "APPROVED", decidedById: mei.id, decidedBy: "Mei Tanaka" });
    const event = await lastEvent();
    expect(event).toMatchObject({ action: "access.grant.approved", actorId: mei.id, targetType: "person", targetId: lena.id });
    expect(event.details).toMatchObject({ requestId, role: "AUDITOR", requestedBy: { id: omar.id }, before: { roles: ["PRODUCT"] }, after: { roles: ["PRODUCT", "AUDITOR"], effectiveRoles: ["PRODUCT", "AUDITOR"] } });
  });

  it("refuses deciding it again", async () => {
    await refused(() => executeAction(decideGrantAction, mei, { requestId, decision: "reject" }), "CONFLICT", /already decided \(approved\)/, mei);
  });

  it("lets exactly one of two administrators approving at once win", async () => {
    const third = await client.person.create({ data: { email: "third.admin@ops.example", name: "Third Admin", roles: ["INFOSEC"] } });
    const thirdActor: Actor = { id: third.id, email: third.email, name: third.name, roles: ["INFOSEC"] };
    const rui = await person("rui.costa@ops.example");
    const r = ok(await executeAction(grantRoleAction, omar, { personId: rui.id, role: "INCIDENT_COMMANDER" }));
    const results = await Promise.all([mei, thirdActor].map((a) => executeAction(decideGrantAction, a, { requestId: r.requestId!, decision: "approve" })));
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    expect(results.find((x) => !x.ok)).toMatchObject({ code: "CONFLICT" });
    expect((await person(rui.email)).roles).toEqual(["INCIDENT_COMMANDER", "REPO_OWNER"]);
    expect(await client.auditEvent.count({ where: { action: "access.grant.approved", details: { path: ["requestId"], equals: r.requestId! } } })).toBe(1);
  });
});

describe("roles from the identity provider", () => {
  const map = parseRoleMap("ops-sre=SRE,ops-ic=INCIDENT_COMMANDER");
  if (!map.ok) throw new Error("bad map");
  const settings = { rolesClaim: "groups", roleMap: map.map, trustEmail: false };
  const claims = { iss: "https://idp.corp.example", sub: "u-nia", email: "nia.obi@corp.example", email_verified: true, name: "Nia Obi", groups: ["ops-sre", "ops-ic"] };

  it("stay revoked at the next sign-in: revoking blocks them", async () => {
    const signedIn = await signInWithOidcClaims(client, claims, settings);
    expect(signedIn).toMatchObject({ ok: true, created: true });
    const nia = await person("nia.obi@corp.example");
    expect(nia.idpRoles).toEqual(["SRE", "INCIDENT_COMMANDER"]);
    ok(await executeAction(revokeRoleAction, omar, { personId: nia.id, role: "INCIDENT_COMMANDER" }));
    // Only blockedRoles changed: that alone ends the person's sessions too.
    expect(await person(nia.email)).toMatchObject({ roles: [], idpRoles: ["SRE", "INCIDENT_COMMANDER"], blockedRoles: ["INCIDENT_COMMANDER"], sessionVersion: nia.sessionVersion + 1 });
    expect((await lastEvent()).details).toMatchObject({ blockedIdpRole: true });

    expect(await signInWithOidcClaims(client, claims, settings)).toMatchObject({ ok: true });
    const again = await person(nia.email);
    expect(effectiveRoles(again)).toEqual(["SRE"]);
  });

  it("refuses someone whose only mapped role is blocked, at sign-in", async () => {
    const nia = await person("nia.obi@corp.example");
    ok(await executeAction(revokeRoleAction, mei, { personId: nia.id, role: "SRE" }));
    expect(await signInWithOidcClaims(client, claims, settings)).toMatchObject({ ok: false, reason: "oidc-no-role" });
  });

  it("come back when an administrator grants them here again", async () => {
    const nia = await person("nia.obi@corp.example");
    ok(await executeAction(grantRoleAction, omar, { personId: nia.id, role: "SRE" }));
    expect(await person(nia.email)).toMatchObject({ roles: ["SRE"], blockedRoles: ["INCIDENT_COMMANDER"] });
    expect(await signInWithOidcClaims(client, claims, settings)).toMatchObject({ ok: true });
  });
});

describe("disabling", () => {
  it("disables a person, whose open session then ends, and enables them again", async () => {
    const before = await person("priya.natarajan@ops.example");
    ok(await executeAction(setDisabledAction, omar, { personId: before.id, state: "disabled" }));
    const after = await person(before.email);
    expect(after).toMatchObject({ disabled: true, sessionVersion: before.sessionVersion + 1 });
    expect(judgeSession({ personId: before.id, sessionVersion: before.sessionVersion, authTime: 1, lastSeen: 1 }, after, 2, { idleSeconds: 3600, maxSeconds: 3600 })).toEqual({ actor: null, reason: "disabled" });
    expect(await lastEvent()).toMatchObject({ action: "access.person.disabled", details: expect.objectContaining({ before: expect.objectContaining({ disabled: false }), after: expect.objectContaining({ disabled: true }) }) });
    await refused(() => executeAction(setDisabledAction, mei, { personId: before.id, state: "disabled" }), "CONFLICT", /already disabled/, mei);
    ok(await executeAction(setDisabledAction, mei, { personId: before.id, state: "enabled" }));
    expect(await person(before.email)).toMatchObject({ disabled: false, sessionVersion: before.sessionVersion + 2 });
  });
});

describe("the access review", () => {
  it("rebuilds today's history from the events these changes and the sign-ins wrote", async () => {
    const history = await loadRoleHistory(client);
    const lena = await person("lena.fischer@ops.example");
    const lenas = history.roles.filter((r) => r.personId === lena.id).map((r) => [r.role, r.to === null, r.recorded]);
    expect(lenas).toEqual([
      ["PRODUCT", true, true],
      ["AUDITOR", true, true],
    ]);
    const ben = await person("ben.ortiz@ops.example");
    expect(history.roles.filter((r) => r.personId === ben.id && r.role === "PRODUCT").map((r) => r.to !== null)).toEqual([true]);
    const nia = await person("nia.obi@corp.example");
    const niaStretches = history.roles.filter((r) => r.personId === nia.id).map((r) => [r.role, r.sources, r.to === null]);
    // Both from the provider at the just-in-time creation, both revoked (blocked), SRE then granted here.
    expect(niaStretches).toEqual([
      ["SRE", ["identity provider"], false],
      ["INCIDENT_COMMANDER", ["identity provider"], false],
      ["SRE", ["portal", "identity provider"], true],
    ]);
    const priya = await person("priya.natarajan@ops.example");
    expect(history.disabled.filter((d) => d.personId === priya.id).map((d) => d.to !== null)).toEqual([true]);
  });

  it("answers who could approve a rollback today from the runbook and the permission table", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const answer = answerApprovers(await loadRoleHistory(client), "RB-LAUNCH-002", today)!;
    const names = (stepId: string) => answer.steps.find((s) => s.stepId === stepId)!.people.map((p) => p.name);
    expect(names("go-no-go")).toEqual(["Ines Carter", "Nia Obi", "Rui Costa"]);
    expect(names("set-allowlist-pilot")).toEqual(["Ines Carter", "Jordan Lee", "Nia Obi", "Rui Costa", "Sam Rivera"]);
    expect(answerApprovers(await loadRoleHistory(client), "RB-LAUNCH-002", "2020-01-01")!.steps.every((s) => s.people.length === 0)).toBe(true);
  });

  it("exports the answer as CSV, recorded in the audit chain; refuses people without access.review", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const data = ok(await executeAction(exportAccessReviewAction, ada, { date: today }));
    const lines = data.csv.trimEnd().split("\n");
    expect(lines[1]).toBe("step_id,step,person_id,email,name,role,held_from,held_to,sources,recorded");
    expect(lines.filter((l) => l.startsWith("set-allowlist-pilot,")).length).toBeGreaterThanOrEqual(5);
    expect(await lastEvent()).toMatchObject({ action: "access.review.exported", actorId: ada.id, details: expect.objectContaining({ date: today, runbookId: "RB-LAUNCH-002", rows: data.rows }) });
    await refused(() => executeAction(exportAccessReviewAction, sam, {}), "FORBIDDEN", /permission/, sam);
  });

  it("leaves the audit chain intact", async () => {
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});
