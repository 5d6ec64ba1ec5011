import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from "@/scripts/lib/embedded-postgres";

const run = promisify(execFile);
let server: EmbeddedServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "portal-external-pg-"));
  server = await startEmbeddedPostgres(dir);
  await ensureDatabase(server.url("postgres"), "external_portal");
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run db:migrate against an external PostgreSQL (DATABASE_URL)", () => {
  it("applies every migration, records them like prisma migrate deploy, and is a no-op the second time", async () => {
    const env = { ...process.env, DATABASE_URL: server.url("external_portal") };
    const first = await run("npm", ["run", "--silent", "db:migrate"], { env, cwd: process.cwd() });
    expect(first.stdout).toMatch(/Applied: \d{14}_init/);
    const second = await run("npm", ["run", "--silent", "db:migrate"], { env, cwd: process.cwd() });
    expect(second.stdout).toMatch(/up to date/);

    const client = new pg.Client({ connectionString: server.url("external_portal") });
    await client.connect();
    const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`);
    const applied = await client.query(`SELECT migration_name, finished_at FROM _prisma_migrations`);
    await client.end();
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(["audit_event", "person", "run", "repo", "_prisma_migrations"]));
    expect(applied.rows.length).toBeGreaterThan(0);
    expect(applied.rows.every((r) => r.finished_at !== null)).toBe(true);
  });
});

describe("npm run db:migrate with two roles (DATABASE_OWNER_URL and DATABASE_URL)", () => {
  it("migrates as the owner and grants the application role its list; the application role alone is refused", async () => {
    await ensureDatabase(server.url("postgres"), "external_two");
    const app = server.appUrl("external_two");
    const alone = await run("npm", ["run", "--silent", "db:migrate"], { env: { ...process.env, DATABASE_URL: app, DATABASE_OWNER_URL: "" }, cwd: process.cwd() }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(alone?.code).toBe(1);
    expect(alone?.stderr).toContain("the role in DATABASE_URL is an application role, which cannot change the schema: set DATABASE_OWNER_URL");

    const both = await run("npm", ["run", "--silent", "db:migrate"], { env: { ...process.env, DATABASE_URL: app, DATABASE_OWNER_URL: server.ownerUrl("external_two") }, cwd: process.cwd() });
    expect(both.stdout).toMatch(/Applied: \d{14}_init/);
    expect(both.stdout).toMatch(/Role portal_app: privileges set on \d+ tables/);
    expect(both.stderr).toBe("");
    const client = new pg.Client({ connectionString: app });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT pg_get_userbyid(relowner) AS owner, has_table_privilege('audit_event', 'SELECT') AS "read", has_table_privilege('audit_event', 'INSERT') AS "write" FROM pg_class WHERE relname = 'audit_event'`);
      expect(rows).toEqual([{ owner: "portal_owner", read: true, write: false }]);
    } finally {
      await client.end();
    }
  });
});

describe("the embedded server", () => {
  it("keeps its data across a stop and a start of the same directory", async () => {
    const keepDir = mkdtempSync(path.join(tmpdir(), "portal-persist-pg-"));
    try {
      const first = await startEmbeddedPostgres(keepDir);
      await ensureDatabase(first.url("postgres"), "keep");
      const c1 = new pg.Client({ connectionString: first.url("keep") });
      await c1.connect();
      await c1.query("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
      await c1.end();
      await first.stop();

      const second = await startEmbeddedPostgres(keepDir);
      const c2 = new pg.Client({ connectionString: second.url("keep") });
      await c2.connect();
      const { rows } = await c2.query("SELECT v FROM kept");
      await c2.end();
      await second.stop();
      expect(rows).toEqual([{ v: "still here" }]);
    } finally {
      rmSync(keepDir, { recursive: true, force: true });
    }
  });
});
