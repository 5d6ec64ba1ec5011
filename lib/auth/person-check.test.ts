import { describe, expect, it } from "vitest";
import { personCheck } from "./person-check";
import type { SessionPerson } from "./session-state";

const lifetime = { idleSeconds: 30 * 60, maxSeconds: 12 * 3600 };
const t = 1_800_000_000_000;
const claims = { personId: "p1", sessionVersion: 3, authTime: t / 1000 - 60, lastSeen: t / 1000 - 10 };
const sam: SessionPerson = { id: "p1", email: "sam@ops.example", name: "Sam", roles: ["SRE"], idpRoles: [], disabled: false, sessionVersion: 3 };

function database(person: SessionPerson | null) {
  const db = { person, reads: 0, fail: false };
  const read = async () => {
    db.reads++;
    if (db.fail) throw new Error("database unavailable");
    return db.person;
  };
  return { db, read };
}

describe("the proxy's person check for prerendered pages", () => {
  it("admits a current session and reads the person at most once a second", async () => {
    const { db, read } = database(sam);
    const judge = personCheck(read, 1_000);
    expect(await judge(claims, t, lifetime)).toMatchObject({ actor: { id: "p1", roles: ["SRE"] } });
    expect(await judge(claims, t + 999, lifetime)).toMatchObject({ actor: { id: "p1" } });
    expect(db.reads).toBe(1);
    await judge(claims, t + 1_000, lifetime);
    expect(db.reads).toBe(2);
  });

  it("refuses, within that second, a session ended by sign-out or role change, a disabled person and a removed one", async () => {
    const { db, read } = database(sam);
    const judge = personCheck(read, 1_000);
    await judge(claims, t, lifetime);
    db.person = { ...sam, sessionVersion: 4 };
    expect(await judge(claims, t + 1_000, lifetime)).toEqual({ actor: null, reason: "revoked" });
    db.person = { ...sam, disabled: true };
    expect(await judge(claims, t + 2_000, lifetime)).toEqual({ actor: null, reason: "disabled" });
    db.person = null;
    expect(await judge(claims, t + 3_000, lifetime)).toEqual({ actor: null, reason: "unknown-person" });
  });

  it("keeps the lifetimes and needs a person in the token", async () => {
    const judge = personCheck(database(sam).read, 1_000);
    expect(await judge({ ...claims, authTime: t / 1000 - 7200, lastSeen: t / 1000 - 31 * 60 }, t, lifetime)).toEqual({ actor: null, reason: "idle" });
    expect(await judge({ ...claims, personId: undefined }, t, lifetime)).toEqual({ actor: null, reason: "signed-out" });
  });

  it("does not remember a failed read: the request fails, and the next one reads again", async () => {
    const { db, read } = database(sam);
    const judge = personCheck(read, 1_000);
    db.fail = true;
    await expect(judge(claims, t, lifetime)).rejects.toThrow("database unavailable");
    db.fail = false;
    expect(await judge(claims, t + 1, lifetime)).toMatchObject({ actor: { id: "p1" } });
    expect(db.reads).toBe(2);
  });
});
