/**
 * Issue 13 item 4: `npm run people:add` creates or updates a person on any database, audited as the command line.
 * This is how a fresh production deployment gets its first administrator.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import { addPerson, parsePeopleAddArgs } from "@/lib/people/add-person";
import { anotherFreshDatabase } from "./db";

let client: Db;
let url: string;
beforeAll(async () => {
  ({ client, url } = await anotherFreshDatabase());
});
afterAll(async () => {
  await client.$disconnect();
});

const audit = (targetId: string) => client.auditEvent.findMany({ where: { targetId }, orderBy: { seq: "asc" } });

describe("npm run people:add", () => {
  it("creates the first administrator on an empty database, audited with no actor and 'command line'", async () => {
    const result = await addPerson(client, { email: "Omar.Haddad@corp.example", name: "Omar Haddad", roles: ["INFOSEC"] });
    expect(result).toMatchObject({ created: true, person: { email: "omar.haddad@corp.example", name: "Omar Haddad", roles: ["INFOSEC"], disabled: false } });
    const [event] = await audit(result.person.id);
    expect(event).toMatchObject({ action: "person.create", actorId: null, actorEmail: null, targetType: "person" });
    expect(event.details).toMatchObject({ source: "command line", before: null, after: { email: "omar.haddad@corp.example", name: "Omar Haddad", roles: ["INFOSEC"], disabled: false } });
  });

  it("adds roles to a person who exists (keeping theirs), and can enable them again; the change ends their sessions", async () => {
    const before = await client.person.update({ where: { email: "omar.haddad@corp.example" }, data: { disabled: true } });
    const result = await addPerson(client, { email: "omar.haddad@corp.example", roles: ["AUDITOR"], enable: true });
    expect(result).toMatchObject({ created: false, person: { name: "Omar Haddad", roles: ["INFOSEC", "AUDITOR"], disabled: false } });
    expect(result.person.sessionVersion).toBeGreaterThan(before.sessionVersion);
    const events = await audit(result.person.id);
    expect(events.at(-1)).toMatchObject({ action: "person.update", actorId: null });
    expect(events.at(-1)?.details).toMatchObject({ source: "command line", before: { roles: ["INFOSEC"], disabled: true }, after: { roles: ["INFOSEC", "AUDITOR"], disabled: false } });
  });

  it("writes nothing when nothing changes", async () => {
    const count = await client.auditEvent.count();
    const result = await addPerson(client, { email: "omar.haddad@corp.example", roles: ["INFOSEC"] });
    expect(result).toMatchObject({ created: false, changed: false });
    expect(await client.auditEvent.count()).toBe(count);
  });

  it("parses the command line, naming what is wrong", () => {
    expect(parsePeopleAddArgs(["--email", "a@corp.example", "--name", "A", "--role", "INFOSEC", "--role", "sre,auditor"])).toEqual({
      ok: true,
      input: { email: "a@corp.example", name: "A", roles: ["INFOSEC", "SRE", "AUDITOR"], enable: false },
    });
    expect(parsePeopleAddArgs(["--name", "A"])).toMatchObject({ ok: false, errors: ["--email is required"] });
    expect(parsePeopleAddArgs(["--email", "nope", "--role", "ADMIN"])).toMatchObject({ ok: false, errors: [expect.stringContaining("--email"), expect.stringMatching(/--role: unknown role "ADMIN" \(roles: SRE, .*\)/)] });
  });

  it("refuses to create a person without a name or a role", async () => {
    await expect(addPerson(client, { email: "new@corp.example", roles: ["SRE"] })).rejects.toThrow(/--name/);
    await expect(addPerson(client, { email: "new@corp.example", name: "New", roles: [] })).rejects.toThrow(/--role/);
  });

  it("works as a command against DATABASE_URL, and the chain still verifies", async () => {
    const run = spawnSync("npx", ["tsx", "scripts/people-add.ts", "--email", "ada@corp.example", "--name", "Ada Admin", "--role", "INFOSEC"], {
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Created Ada Admin <ada@corp.example> with roles: InfoSec");
    expect(await client.person.findUnique({ where: { email: "ada@corp.example" } })).toMatchObject({ roles: ["INFOSEC"] });
    const bad = spawnSync("npx", ["tsx", "scripts/people-add.ts", "--email", "x@corp.example", "--role", "ROOT"], { env: { ...process.env, DATABASE_URL: url }, encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown role "ROOT"');
    expect(await verifyChain(client)).toMatchObject({ ok: true });
    // Two tsx processes: 18 s beside a CPU hog and the other lane of npm test, 60 % of the default 30 s.
  }, 60_000);
});
