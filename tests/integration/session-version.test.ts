/**
 * Issue 13 item 5: sessions end when the person signs out, is disabled (or enabled again), or their roles change,
 * however the change is made (the trigger person_session_version catches plain SQL too).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { endSessions } from "@/lib/auth/session-version";
import type { Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
});
afterAll(async () => {
  await client.$disconnect();
});

const email = "ben.ortiz@ops.example";
const version = async () => (await client.person.findUniqueOrThrow({ where: { email } })).sessionVersion;

describe("session version", () => {
  it("moves on when the person is disabled and again when enabled", async () => {
    const v0 = await version();
    await client.person.update({ where: { email }, data: { disabled: true } });
    expect(await version()).toBe(v0 + 1);
    await client.$executeRawUnsafe(`UPDATE person SET disabled = false WHERE email = '${email}'`);
    expect(await version()).toBe(v0 + 2);
  });

  it("moves on when roles granted here or roles from the identity provider change", async () => {
    const v0 = await version();
    await client.person.update({ where: { email }, data: { roles: ["BUSINESS", "AUDITOR"] } });
    expect(await version()).toBe(v0 + 1);
    await client.person.update({ where: { email }, data: { idpRoles: ["SRE"] } });
    expect(await version()).toBe(v0 + 2);
  });

  it("stays when nothing that grants access changes (a new name, the same roles again, a sign-in time)", async () => {
    const v0 = await version();
    const p = await client.person.findUniqueOrThrow({ where: { email } });
    await client.person.update({ where: { email }, data: { name: "Ben O.", roles: p.roles, idpRoles: p.idpRoles, lastSignInAt: new Date() } });
    expect(await version()).toBe(v0);
  });

  it("moves on at sign-out", async () => {
    const p = await client.person.findUniqueOrThrow({ where: { email } });
    await endSessions(client, p.id);
    expect(await version()).toBe(p.sessionVersion + 1);
  });
});
