/**
 * Issue 17, item 2: live and ready. Ready answers 200 only while the database answers, every migration the code
 * expects is applied, the runbooks load and the process is not shutting down; otherwise 503 with the reason.
 * Live answers without the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as live } from "@/app/api/health/live/route";
import { GET as ready } from "@/app/api/health/ready/route";
import { untilReady } from "../support/until-ready";
import { GET as legacy } from "@/app/api/health/route";
import { closeDb, createDb, type Db } from "@/lib/db";
import { expectedMigrations, readiness } from "@/lib/health";
import { listRunbooks } from "@/lib/runbooks";
import { freePort } from "@/scripts/lib/ports";
import { useFreshDatabase } from "./db";

let db: Db;
let url: string;
let ownerUrl: string;
/** The owner, who alone may change the migration history (the portal's role only reads it). */
let owner: Db;
beforeAll(async () => {
  ({ client: db, url, ownerUrl } = await useFreshDatabase());
  owner = createDb(ownerUrl);
});
afterAll(async () => {
  await owner?.$disconnect();
  await db?.$disconnect();
});

type ReadyBody = { status: string; reason: string | null; checks: Record<string, { ok: boolean; detail: string }> };

describe("health endpoints", () => {
  it("ready: 200 on a migrated database with the runbooks loaded; live answers too, and /api/health still works", async () => {
    // The probe gives PostgreSQL 2 s. The first query of this process's cold client can take longer beside a CPU hog
    // (a loaded run got "PostgreSQL is unreachable" once), and an orchestrator asks again: so does this test, for
    // up to 15 s. Once ready, the answer must be the one below.
    const res = await untilReady(ready, { withinMs: 15_000, everyMs: 250 });
    const body = (await res.json()) as ReadyBody;
    expect(body).toMatchObject({ status: "ready", reason: null });
    expect(res.status).toBe(200);
    expect(body.checks.migrations.detail).toBe(`${expectedMigrations().length} applied`);
    expect(expectedMigrations().length).toBeGreaterThanOrEqual(11);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await live()).status).toBe(200);
    expect((await legacy()).status).toBe(200);
  });

  it("ready: 503 naming the migration that is not applied", async () => {
    const last = expectedMigrations().at(-1)!;
    const [row] = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM _prisma_migrations WHERE migration_name = $1`, last);
    await owner.$executeRawUnsafe(`UPDATE _prisma_migrations SET finished_at = NULL WHERE id = $1`, row.id);
    try {
      const res = await ready();
      const body = (await res.json()) as ReadyBody;
      expect(res.status).toBe(503);
      expect(body.status).toBe("not-ready");
      expect(body.reason).toBe(`migrations: 1 migration(s) not applied: ${last} (run \`npm run db:migrate\`)`);
    } finally {
      await owner.$executeRawUnsafe(`UPDATE _prisma_migrations SET finished_at = now() WHERE id = $1`, row.id);
    }
    expect((await ready()).status).toBe(200);
  });

  it("ready: 503 when the runbooks do not load, or there are none", async () => {
    const broken = await readiness({ db: () => db, runbooks: () => { throw new Error("Invalid runbooks (run `npm run runbooks:check`):\n  RB-CORE-001.md: step x: bad"); } });
    expect(broken).toMatchObject({ ready: false, reason: "runbooks: runbooks do not load: Invalid runbooks (run `npm run runbooks:check`):   RB-CORE-001.md: step x: bad" });
    expect(await readiness({ db: () => db, runbooks: () => [] })).toMatchObject({ ready: false, reason: "runbooks: no runbooks found (RUNBOOKS_DIR)" });
    expect(await readiness({ db: () => db, runbooks: listRunbooks })).toMatchObject({ ready: true });
  });

  it("ready: 503 while shutting down; live stays 200 (the process still serves what it has)", async () => {
    const state = globalThis as { portalShutdown?: { installed: boolean; shuttingDown: boolean; startedAt: number | null } };
    state.portalShutdown = { installed: true, shuttingDown: true, startedAt: Date.now() };
    try {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(((await res.json()) as ReadyBody).reason).toBe("shutdown: shutting down (SIGTERM received)");
      const l = await live();
      expect(l.status).toBe(200);
      expect(await l.json()).toMatchObject({ status: "ok", shuttingDown: true });
    } finally {
      state.portalShutdown = undefined;
    }
  });

  it("ready: 503 within a few seconds when PostgreSQL is unreachable; live does not touch the database", async () => {
    await closeDb();
    process.env.DATABASE_URL = `postgresql://portal:x@127.0.0.1:${await freePort()}/portal`;
    try {
      const started = Date.now();
      const res = await ready();
      expect(res.status).toBe(503);
      expect(((await res.json()) as ReadyBody).reason).toBe("database: PostgreSQL is unreachable");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await live()).status).toBe(200);
    } finally {
      await closeDb();
      process.env.DATABASE_URL = url;
    }
    // A build that expects a migration this database does not have (a rolling upgrade before `db:migrate`).
    const fresh = createDb(url);
    try {
      expect(await readiness({ db: () => fresh, runbooks: listRunbooks, expected: () => ["20990101000000_from_the_future"] })).toMatchObject({
        ready: false,
        reason: "migrations: 1 migration(s) not applied: 20990101000000_from_the_future (run `npm run db:migrate`)",
      });
    } finally {
      await fresh.$disconnect();
    }
  });
});
