import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEYED_LOCKS, LOCK_IDS } from "./locks";

const MIGRATIONS = join(__dirname, "..", "prisma", "migrations");

/** The bigint advisory-lock ids the migrations' SQL takes, last definition of each function winning. */
function idsInMigrations(): number[] {
  const ids = new Set<number>();
  for (const dir of readdirSync(MIGRATIONS).sort()) {
    if (!/^\d{14}_/.test(dir)) continue;
    const sql = readFileSync(join(MIGRATIONS, dir, "migration.sql"), "utf8");
    for (const m of sql.matchAll(/advisory(?:_xact)?_lock\((\d+)\)/g)) ids.add(Number(m[1]));
  }
  return [...ids];
}

describe("advisory lock registry", () => {
  it("gives every lock its own id", () => {
    const ids = Object.values(LOCK_IDS);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps keyed-lock prefixes apart, so no two kinds of keyed lock can share a key", () => {
    const prefixes: string[] = Object.values(KEYED_LOCKS).filter((p) => p !== "");
    expect(new Set(prefixes).size).toBe(prefixes.length);
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(a.startsWith(b)).toBe(false);
  });

  it("lists every id the migrations' SQL takes, as the audit chain's lock", () => {
    const inSql = idsInMigrations();
    expect(inSql.length).toBeGreaterThan(0);
    for (const id of inSql) expect(Object.values(LOCK_IDS)).toContain(id);
    expect(inSql).toEqual([LOCK_IDS.auditChain]);
  });
});
