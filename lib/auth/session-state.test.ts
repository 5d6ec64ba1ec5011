import { describe, expect, it } from "vitest";
import { judgeSession, type SessionPerson } from "./session-state";

const lifetime = { idleSeconds: 30 * 60, maxSeconds: 12 * 3600 };
const now = 1_800_000_000;
const claims = { personId: "p1", sessionVersion: 3, authTime: now - 60, lastSeen: now - 10 };
const person: SessionPerson = { id: "p1", email: "sam@ops.example", name: "Sam", roles: ["SRE"], idpRoles: [], disabled: false, sessionVersion: 3 };

describe("judgeSession", () => {
  it("admits a person whose session carries their current session version", () => {
    expect(judgeSession(claims, person, now, lifetime)).toEqual({ actor: { id: "p1", email: "sam@ops.example", name: "Sam", roles: ["SRE"] } });
  });

  it("gives the person the roles granted here and those from the identity provider, once each", () => {
    const both = { ...person, roles: ["AUDITOR", "SRE"], idpRoles: ["SRE", "INFOSEC", "NOT_A_ROLE"] };
    expect(judgeSession(claims, both, now, lifetime)).toMatchObject({ actor: { roles: ["SRE", "INFOSEC", "AUDITOR"] } });
  });

  it("leaves out identity-provider roles an administrator blocked here, but not the same role granted here", () => {
    const blocked = { ...person, roles: ["AUDITOR"], idpRoles: ["SRE", "INFOSEC"], blockedRoles: ["INFOSEC", "AUDITOR"] };
    expect(judgeSession(claims, blocked, now, lifetime)).toMatchObject({ actor: { roles: ["SRE", "AUDITOR"] } });
    expect(judgeSession(claims, { ...blocked, blockedRoles: null }, now, lifetime)).toMatchObject({ actor: { roles: ["SRE", "INFOSEC", "AUDITOR"] } });
  });

  it("treats a request without a session as signed out", () => {
    expect(judgeSession({}, null, now, lifetime)).toEqual({ actor: null, reason: "signed-out" });
  });

  it("ends a session whose person is gone or disabled", () => {
    expect(judgeSession(claims, null, now, lifetime)).toEqual({ actor: null, reason: "unknown-person" });
    expect(judgeSession(claims, { ...person, disabled: true }, now, lifetime)).toEqual({ actor: null, reason: "disabled" });
  });

  it("ends a session issued under an older session version (signed out, roles changed)", () => {
    expect(judgeSession(claims, { ...person, sessionVersion: 4 }, now, lifetime)).toEqual({ actor: null, reason: "revoked" });
    expect(judgeSession({ ...claims, sessionVersion: undefined }, person, now, lifetime)).toEqual({ actor: null, reason: "revoked" });
  });

  it("ends an idle or too old session", () => {
    expect(judgeSession({ ...claims, authTime: now - 3600, lastSeen: now - 30 * 60 }, person, now, lifetime)).toEqual({ actor: null, reason: "idle" });
    expect(judgeSession({ ...claims, authTime: now - 12 * 3600 }, person, now, lifetime)).toEqual({ actor: null, reason: "expired" });
  });
});
