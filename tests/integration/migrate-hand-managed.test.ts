/**
 * Hand-managed database objects (prisma/migrator.ts HAND_MANAGED) survive `migrate dev`: the schema cannot express
 * them, so a generated migration must not drop them. Runs migrateDev against fresh databases with temporary copies
 * of prisma/migrations, so the repository's own directory is never written.
 */
import { cpSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrateDev, withoutHandManagedDrops } from "@/prisma/migrator";
import { databaseUrl, uniqueDatabaseName } from "../support/test-postgres";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../prisma/migrations");
const dirs: string[] = [];

/** A copy of prisma/migrations, plus any extra migrations (name → SQL). */
function migrationsCopy(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-migrations-"));
  dirs.push(dir);
  cpSync(MIGRATIONS, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

/** An empty database (not the migrated template): migrateDev applies the whole history itself. */
async function emptyDatabase(): Promise<string> {
  const admin = inject("pgAdminUrl");
  const name = uniqueDatabaseName("mig");
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  return databaseUrl(admin, name);
}

async function indexesOf(url: string, table: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1`, [table])).rows.map((r) => r.indexname);
  } finally {
    await c.end();
  }
}

let admin: string;
beforeAll(() => {
  admin = inject("pgAdminUrl");
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// Each test runs Prisma's schema engine (WebAssembly) on fresh databases: 23 s of the default 30 s beside a CPU hog
// and the other lane of npm test, so these get 90 s to stay under half.
describe("migrate dev with hand-managed objects", { timeout: 90_000 }, () => {
  it("creates no migration for the current schema, and keeps the trigram index and the one-pending-request index", async () => {
    expect(admin).toBeTruthy();
    const dir = migrationsCopy();
    const before = readdirSync(dir).sort();
    const url = await emptyDatabase();
    const result = await migrateDev(url, "should_be_empty", { migrationsDir: dir });
    expect(result.created).toBeNull();
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(await indexesOf(url, "audit_event")).toContain("audit_event_details_trgm_idx");
    expect(await indexesOf(url, "access_request")).toContain("access_request_one_pending");
  });

  it("leaves out the DROP that Prisma generates for an index it does not know, and writes nothing when that was all", async () => {
    // A plain column index, which Prisma's diff does see (unlike an expression index) and wants to drop.
    const extra = { "20261128160000_hand_index": `CREATE INDEX "audit_event_outcome_hand_idx" ON "audit_event" ("outcome");\n` };
    const handManaged = [{ kind: "INDEX" as const, name: "audit_event_outcome_hand_idx", createdBy: "20261128160000_hand_index", why: "test" }];

    const unprotected = migrationsCopy(extra);
    const plain = await migrateDev(await emptyDatabase(), "drops_it", { migrationsDir: unprotected, handManaged: [] });
    expect(plain.created).not.toBeNull();

    const protectedDir = migrationsCopy(extra);
    const before = readdirSync(protectedDir).sort();
    const url = await emptyDatabase();
    const kept = await migrateDev(url, "keeps_it", { migrationsDir: protectedDir, handManaged });
    expect(kept.created).toBeNull();
    expect(kept.skipped).toEqual([`-- DropIndex\nDROP INDEX "audit_event_outcome_hand_idx";`]);
    expect(readdirSync(protectedDir).sort()).toEqual(before);
    expect(await indexesOf(url, "audit_event")).toContain("audit_event_outcome_hand_idx");
  });

  it("keeps the rest of a generated script", () => {
    const script = `-- DropIndex\nDROP INDEX "audit_event_details_trgm_idx";\n\n-- AlterTable\nALTER TABLE "run" ADD COLUMN "x" TEXT;\n`;
    const out = withoutHandManagedDrops(script);
    expect(out.script).toBe(`-- AlterTable\nALTER TABLE "run" ADD COLUMN "x" TEXT;\n`);
    expect(out.skipped).toEqual([`-- DropIndex\nDROP INDEX "audit_event_details_trgm_idx";`]);
    expect(withoutHandManagedDrops(`-- DropIndex\nDROP INDEX "public"."audit_event_details_trgm_idx";\n`).script).toBeNull();
    expect(withoutHandManagedDrops(`-- DropIndex\nDROP INDEX "audit_event_details_trgm_idx_2";\n`).script).not.toBeNull();
  });
});
