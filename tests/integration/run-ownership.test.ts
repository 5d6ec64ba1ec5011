/**
 * Ownership of a run (issue 14 item 3): only people who may sign the run's steps (from its own runbook version) or
 * the incident commander may add evidence, escalate or write its RCA; escalation climbs one level at a time and
 * notifies each level at most once; every RCA save is kept as a version, and a save based on a stale version is
 * refused without losing anything.
 */
import { createHash, randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { appendAudit } from "@/lib/audit/log";
import { pgRunner } from "@/lib/sql";
import { migrateDeploy } from "@/prisma/migrator";
import { databaseUrl, uniqueDatabaseName } from "../support/test-postgres";
import { executeAction } from "@/lib/actions/safe-action";
import { abortRunAction, addEvidenceAction, escalateRunAction, saveRcaAction } from "@/lib/runs/actions";
import { autoEscalateWaitingSteps, escalateRun } from "@/lib/runs/escalation";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { startRun } from "../support/runs";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor, ic: Actor, owner: Actor;

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  ic = await actorByEmail(client, "ines.carter@ops.example");
  owner = await actorByEmail(client, "rui.costa@ops.example");
});
afterAll(async () => {
  await client.$disconnect();
});

const start = (runbookId: string, actor = sre) => startRun(actor, runbookId);
async function ended(runbookId: string) {
  const runId = await start(runbookId);
  const r = await executeAction(abortRunAction, ic, { runId, reason: "Ended to write the RCA" });
  if (!r.ok) throw new Error(r.message);
  return runId;
}
const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const notificationsOf = (runId: string) => client.notification.count({ where: { kind: "run.escalated", payload: { path: ["runId"], equals: runId } } });
const refusals = (action: string, runId: string, actorId: string) => client.auditEvent.findMany({ where: { action, outcome: "refused", targetId: runId, actorId } });
const rca = (n: number) => `# RCA\n\n## Summary\n\nThe provider was down for ${n} minutes.\n\n## Root cause\n\nUpstream outage.\n`;

describe("who may work on a run", () => {
  // RB-CORE-004's steps are signed by SRE and the incident commander only.
  it("refuses a repo owner evidence, escalation and the RCA on an RB-CORE-004 run, and audits each refusal with its reason", async () => {
    const runId = await start("RB-CORE-004");
    const evidence = await executeAction(addEvidenceAction, owner, { runId, stepId: "confirm-scope", text: "Looks fine from the repo" });
    expect(evidence).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(evidence.ok ? "" : evidence.message).toBe("Only people who sign RB-CORE-004's steps (SRE, Incident commander) or the incident commander may add evidence to this run.");
    expect((await client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "confirm-scope" } } })).evidence).toEqual([]);
    const [evidenceRefusal] = await refusals("run.step.evidence_added", runId, owner.id);
    expect(evidenceRefusal.details).toMatchObject({ reason: expect.stringMatching(/may add evidence to this run/), permission: "run.manage.any" });

    const escalation = await executeAction(escalateRunAction, owner, { runId, reason: "Nobody is answering" });
    expect(escalation).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(escalation.ok ? "" : escalation.message).toMatch(/^Only people who sign RB-CORE-004's steps .* may escalate this run\.$/);
    expect((await client.run.findUniqueOrThrow({ where: { id: runId } })).escalationLevel).toBe(1);
    expect(await notificationsOf(runId)).toBe(0);
    expect(await refusals("run.escalated", runId, owner.id)).toHaveLength(1);

    await executeAction(abortRunAction, ic, { runId, reason: "Provider back" });
    const saved = await executeAction(saveRcaAction, owner, { runId, baseVersion: 0, markdown: rca(10) });
    expect(saved).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(saved.ok ? "" : saved.message).toMatch(/may edit this run's RCA\.$/);
    expect(await client.rcaVersion.count({ where: { runId } })).toBe(0);
    expect((await client.run.findUniqueOrThrow({ where: { id: runId } })).rcaMarkdown).toBeNull();
    expect(await refusals("run.rca.saved", runId, owner.id)).toHaveLength(1);
  });

  it("lets the incident commander, and people who sign the run's steps, do all three", async () => {
    const runId = await start("RB-CORE-004");
    expect(await executeAction(addEvidenceAction, ic, { runId, stepId: "confirm-scope", text: "Status page confirms the outage" })).toMatchObject({ ok: true });
    expect(await executeAction(escalateRunAction, ic, { runId, reason: "Need the TL on the bridge" })).toMatchObject({ ok: true, data: { level: "L2" } });
    await executeAction(abortRunAction, ic, { runId, reason: "Provider back" });
    expect(await executeAction(saveRcaAction, ic, { runId, baseVersion: 0, markdown: rca(12) })).toMatchObject({ ok: true, data: { version: 1 } });

    // On RB-CORE-001 a repo owner signs the verification step, so the same person may add evidence there.
    const core001 = await start("RB-CORE-001");
    expect(await executeAction(addEvidenceAction, owner, { runId: core001, stepId: "triage", text: "Repo saw the failures from 09:10" })).toMatchObject({ ok: true });
  });
});

describe("escalation, one level at a time", () => {
  it("refuses a further escalation at the top level and queues no notification", async () => {
    const runId = await start("RB-CORE-004");
    expect(await executeAction(escalateRunAction, sre, { runId, reason: "Cause unclear" })).toMatchObject({ ok: true, data: { level: "L2" } });
    expect(await executeAction(escalateRunAction, sre, { runId, reason: "Still failing" })).toMatchObject({ ok: true, data: { level: "L3" } });
    expect(await notificationsOf(runId)).toBe(2);
    const again = await executeAction(escalateRunAction, ic, { runId, reason: "Again, louder" });
    expect(again).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(again.ok ? "" : again.message).toMatch(/L3 \(Engineering TL\)/);
    expect(await notificationsOf(runId)).toBe(2);
    expect(await client.auditEvent.count({ where: { action: "run.escalated", outcome: "allowed", targetId: runId } })).toBe(2);
  });

  it("escalates a level once when a second escalation read the level before the first committed", async () => {
    const runId = await start("RB-CORE-004");
    let committed!: () => void;
    const release = new Promise<void>((r) => (committed = r));
    let first!: () => void;
    const firstDone = new Promise<void>((r) => (first = r));
    // The first escalation holds its transaction open after raising the level ...
    const a = client.$transaction(async (tx) => {
      const e = await escalateRun(tx, { runId, actor: sre, reason: "Paging L2" });
      first();
      await release;
      return e;
    });
    await firstDone;
    // ... the second reads level L1 (the first is not committed), then waits for the row; the first commits.
    const b = client.$transaction((tx) => escalateRun(tx, { runId, actor: ic, reason: "Paging L2 too" }), { timeout: 20_000 });
    await expect.poll(async () => (await client.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)[0].n, { timeout: 10_000 }).toBeGreaterThan(0);
    committed();
    const [ea, eb] = await Promise.all([a, b]);
    expect(ea).toMatchObject({ escalated: true, level: { level: "L2" } });
    expect(eb).toMatchObject({ escalated: false, message: expect.stringMatching(/already escalated to L2/) });
    expect((await client.run.findUniqueOrThrow({ where: { id: runId } })).escalationLevel).toBe(2);
    expect(await notificationsOf(runId)).toBe(1);
  });

  it("escalates a level once when two people press Escalate to L2 at the same moment", async () => {
    const runId = await start("RB-CORE-004");
    const results = await Promise.all([executeAction(escalateRunAction, sre, { runId, reason: "Paging L2", level: "L2" }), executeAction(escalateRunAction, ic, { runId, reason: "Paging L2 too", level: "L2" })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.code === "CONFLICT")).toHaveLength(1);
    expect(await notificationsOf(runId)).toBe(1);
  });

  it("refuses an escalation to a level the run has already reached (a stale page)", async () => {
    const runId = await start("RB-CORE-004");
    expect(await executeAction(escalateRunAction, sre, { runId, reason: "Paging L2", level: "L2" })).toMatchObject({ ok: true, data: { level: "L2" } });
    const stale = await executeAction(escalateRunAction, ic, { runId, reason: "Paging L2 as well", level: "L2" });
    expect(stale).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(stale.ok ? "" : stale.message).toMatch(/already escalated to L2/);
    expect(await notificationsOf(runId)).toBe(1);
  });

  it("does not notify again when a step waits at the top level, and escalates each wait once", async () => {
    const runId = await start("RB-LAUNCH-002", ic);
    await executeAction(escalateRunAction, ic, { runId, reason: "Paging L2" });
    await executeAction(escalateRunAction, ic, { runId, reason: "Paging L3" });
    expect(await notificationsOf(runId)).toBe(2);
    const later = new Date(Date.now() + 16 * 60_000);
    await autoEscalateWaitingSteps(client, 15, later);
    await autoEscalateWaitingSteps(client, 15, new Date(later.getTime() + 60_000));
    expect(await notificationsOf(runId)).toBe(2);
    expect(await client.auditEvent.count({ where: { action: "run.escalated", targetId: runId } })).toBe(2);
    expect((await client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "go-no-go" } } })).autoEscalatedAt).not.toBeNull();
  });
});

describe("the RCA keeps every version", () => {
  it("keeps both of two saves, with each hash and the previous one in the audit log", async () => {
    const runId = await ended("RB-CORE-004");
    // Sent as a form posts a textarea (\r\n): stored, and hashed, with \n.
    const first = await executeAction(saveRcaAction, sre, { runId, baseVersion: 0, markdown: rca(20).replaceAll("\n", "\r\n") });
    expect(first).toMatchObject({ ok: true, data: { version: 1 } });
    const second = await executeAction(saveRcaAction, ic, { runId, baseVersion: 1, markdown: rca(25) });
    expect(second).toMatchObject({ ok: true, data: { version: 2 } });

    const versions = await client.rcaVersion.findMany({ where: { runId }, orderBy: { version: "asc" } });
    expect(versions.map((v) => [v.version, v.markdown.trim(), v.sha256, v.authorName])).toEqual([
      [1, rca(20).trim(), sha256(rca(20).trim()), "Sam Rivera"],
      [2, rca(25).trim(), sha256(rca(25).trim()), "Ines Carter"],
    ]);
    expect((await client.run.findUniqueOrThrow({ where: { id: runId } })).rcaMarkdown).toBe(rca(25).trim());

    const events = await client.auditEvent.findMany({ where: { action: "run.rca.saved", outcome: "allowed", targetId: runId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.details)).toEqual([
      expect.objectContaining({ version: 1, sha256: versions[0].sha256, previousSha256: null }),
      expect.objectContaining({ version: 2, sha256: versions[1].sha256, previousSha256: versions[0].sha256 }),
    ]);
  });

  it("refuses a save based on a stale version, naming who saved meanwhile, and loses nothing", async () => {
    const runId = await ended("RB-CORE-004");
    expect(await executeAction(saveRcaAction, sre, { runId, baseVersion: 0, markdown: rca(30) })).toMatchObject({ ok: true });
    expect(await executeAction(saveRcaAction, ic, { runId, baseVersion: 1, markdown: rca(31) })).toMatchObject({ ok: true });
    const stale = await executeAction(saveRcaAction, sre, { runId, baseVersion: 1, markdown: rca(32) });
    expect(stale).toMatchObject({ ok: false, code: "CONFLICT", message: "Ines Carter saved version 2 meanwhile; reload to see it." });
    expect((await client.rcaVersion.findMany({ where: { runId }, orderBy: { version: "asc" } })).map((v) => v.markdown.trim())).toEqual([rca(30).trim(), rca(31).trim()]);
    expect((await client.run.findUniqueOrThrow({ where: { id: runId } })).rcaMarkdown).toBe(rca(31).trim());

    // Two saves on the same base at the same moment: one becomes version 3, the other is refused.
    const race = await Promise.all([executeAction(saveRcaAction, sre, { runId, baseVersion: 2, markdown: rca(33) }), executeAction(saveRcaAction, ic, { runId, baseVersion: 2, markdown: rca(34) })]);
    expect(race.filter((r) => r.ok)).toHaveLength(1);
    expect(race.filter((r) => !r.ok && r.code === "CONFLICT")).toHaveLength(1);
    expect(await client.rcaVersion.count({ where: { runId } })).toBe(3);
  });

  it("refuses a save without the version it is based on", async () => {
    const runId = await ended("RB-CORE-004");
    expect(await executeAction(saveRcaAction, sre, { runId, markdown: rca(40) })).toMatchObject({ ok: false, code: "INVALID" });
  });
});

describe("the migration that keeps RCA versions", () => {
  it("turns an RCA saved before it into version 1, by the person whose save the audit log records last", async () => {
    const migrations = path.resolve(import.meta.dirname, "../../prisma/migrations");
    const before = mkdtempSync(path.join(tmpdir(), "portal-migrations-"));
    try {
      cpSync(migrations, before, { recursive: true });
      // This migration and every later one (they may depend on it) are left out of the "before" state.
      for (const d of readdirSync(before)) if (d >= "20261129110000_rca_versions") rmSync(path.join(before, d), { recursive: true });
      const admin = inject("pgAdminUrl");
      const name = uniqueDatabaseName("rca");
      const a = new pg.Client({ connectionString: admin });
      await a.connect();
      await a.query(`CREATE DATABASE ${name}`);
      await a.end();
      const url = databaseUrl(admin, name);
      await migrateDeploy(url, { migrationsDir: before });

      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const [person, runId, text] = [randomUUID(), randomUUID(), "# RCA\n\nSaved before versions were kept: café ☕\n"];
        await c.query(`INSERT INTO "person" ("id", "email", "name", "roles", "updatedAt") VALUES ($1, 'old@ops.example', 'Olga Old', '{SRE}', now())`, [person]);
        await c.query(`INSERT INTO "runbook_version" ("contentHash", "runbookId", "source") VALUES ('h1', 'RB-CORE-004', 'x')`);
        await c.query(`INSERT INTO "run" ("id", "runbookId", "contentHash", "startedById", "status", "rcaMarkdown", "rcaUpdatedAt") VALUES ($1, 'RB-CORE-004', 'h1', $2, 'ABORTED', $3, '2026-11-20T10:00:00Z')`, [runId, person, text]);
        await c.query(`INSERT INTO "run" ("id", "runbookId", "contentHash", "startedById", "status") VALUES ($1, 'RB-CORE-004', 'h1', $2, 'ABORTED')`, [randomUUID(), person]);
        const actor = { id: person, email: "old@ops.example", name: "Olga Old", roles: ["SRE" as const] };
        await appendAudit(pgRunner(c), { actor, action: "run.rca.saved", target: { type: "run", id: runId }, details: { characters: text.length } });

        expect((await migrateDeploy(url))[0]).toBe("20261129110000_rca_versions");
        const { rows } = await c.query(`SELECT "runId", "version", "markdown", "sha256", "authorId", "authorName", "createdAt" FROM "rca_version"`);
        expect(rows).toEqual([{ runId, version: 1, markdown: text, sha256: sha256(text), authorId: person, authorName: "Olga Old", createdAt: new Date("2026-11-20T10:00:00Z") }]);
        const runs = await c.query(`SELECT "rcaVersion" FROM "run" ORDER BY "rcaVersion" DESC`);
        expect(runs.rows.map((r) => r.rcaVersion)).toEqual([1, 0]);
      } finally {
        await c.end();
      }
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
