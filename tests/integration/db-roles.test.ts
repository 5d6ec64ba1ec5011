/**
 * Issue 14 item 5: the two database roles. The application role the portal serves as holds exactly the privileges of
 * prisma/grants.ts — nothing on a table the list does not know, no DELETE, TRUNCATE, REFERENCES or TRIGGER anywhere,
 * no ownership (so no ALTER), no CREATE in the schema — and appends to the audit log only through the owner's
 * SECURITY DEFINER functions, whose search_path cannot be hijacked. A database made before the roles existed is
 * handed to the owner and upgraded.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { appendAudit, verifyChain } from "@/lib/audit/log";
import { createDb, type Db } from "@/lib/db";
import { APP_FUNCTIONS, APP_TABLE_PRIVILEGES, OWNER_ONLY_TABLES, appGrantsSql, applyAppGrants } from "@/prisma/grants";
import { migrateDeploy } from "@/prisma/migrator";
import { APP_ROLE, OWNER_ROLE, adoptDatabase, roleUrl } from "@/scripts/lib/db-roles";
import { databaseUrl, uniqueDatabaseName } from "../support/test-postgres";
import { useFreshDatabase } from "./db";

const PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] as const;

let client: Db;
let su: pg.Client;
let ownerUrl: string;

beforeAll(async () => {
  let superUrl: string;
  ({ client, superUrl, ownerUrl } = await useFreshDatabase());
  su = new pg.Client({ connectionString: superUrl });
  await su.connect();
});
afterAll(async () => {
  await su?.end();
  await client?.$disconnect();
});

const tablesOf = async (c: pg.Client) =>
  (await c.query<{ t: string }>(`SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`)).rows.map((r) => r.t);

describe("the application role", () => {
  it("has a line in prisma/grants.ts for every table of the schema", async () => {
    const unlisted = (await tablesOf(su)).filter((t) => !(t in APP_TABLE_PRIVILEGES) && !OWNER_ONLY_TABLES.includes(t));
    expect(unlisted, "add these tables to APP_TABLE_PRIVILEGES in prisma/grants.ts").toEqual([]);
  });

  it("holds exactly the listed privileges on every table, and owns nothing", async () => {
    const held: Record<string, string[]> = {};
    for (const t of await tablesOf(su)) {
      const { rows } = await su.query<Record<string, boolean>>(`SELECT ${PRIVILEGES.map((p) => `has_table_privilege($1, $2, '${p}') AS "${p}"`).join(", ")}`, [APP_ROLE, `public."${t}"`]);
      held[t] = PRIVILEGES.filter((p) => rows[0][p]);
    }
    const expected = Object.fromEntries(Object.keys(held).map((t) => [t, [...(APP_TABLE_PRIVILEGES[t] ?? [])]]));
    expect(held).toEqual(expected);
    // Whatever the list says, the audit tables are read-only to the portal and nothing may be deleted anywhere.
    expect({ audit_event: held.audit_event, chain_head: held.chain_head }).toEqual({ audit_event: ["SELECT"], chain_head: ["SELECT"] });
    expect(Object.entries(held).filter(([, p]) => p.some((x) => ["DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"].includes(x)))).toEqual([]);
    const { rows: owned } = await su.query(`SELECT relname FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [APP_ROLE]);
    expect(owned).toEqual([]);
    const { rows: role } = await su.query(`SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = $1`, [APP_ROLE]);
    expect(role).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false }]);
    const { rows: schema } = await su.query(`SELECT has_schema_privilege($1, 'public', 'CREATE') AS "create", has_sequence_privilege($1, 'public.chain_head_id_seq', 'USAGE') AS "usage"`, [APP_ROLE]);
    expect(schema).toEqual([{ create: false, usage: false }]);
  });

  it("is what the portal's code connects as in tests", async () => {
    expect(await client.$queryRaw`SELECT current_user::text AS role`).toEqual([{ role: APP_ROLE }]);
  });

  it("reaches the audit log only through SECURITY DEFINER functions of the owner, with a fixed search_path and no PUBLIC execute", async () => {
    const { rows } = await su.query<{ name: string; definer: boolean; owner: string; config: string[] | null; acl: string }>(
      `SELECT p.oid::regprocedure::text AS name, p.prosecdef AS definer, pg_get_userbyid(p.proowner) AS owner, p.proconfig AS config, p.proacl::text AS acl
         FROM pg_proc p WHERE p.proname IN ('audit_append', 'audit_record_head') ORDER BY 1`,
    );
    expect(rows.map((r) => r.name.split("(")[0])).toEqual(APP_FUNCTIONS.map((f) => f.split("(")[0]).sort());
    for (const r of rows) {
      expect(r, r.name).toMatchObject({ definer: true, owner: OWNER_ROLE, config: ["search_path=pg_catalog, pg_temp"] });
      // An ACL entry for PUBLIC starts with "=": there must be none.
      expect(r.acl, r.name).not.toMatch(/[{,]=/);
      expect(r.acl, r.name).toContain(`${APP_ROLE}=X/${OWNER_ROLE}`);
    }
  });

  it("gets nothing on a table prisma/grants.ts does not list, and applyAppGrants names it", async () => {
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await owner.query(`CREATE TABLE unlisted_probe (id int)`);
      await owner.query(`GRANT ALL ON unlisted_probe TO ${APP_ROLE}`);
      const report = await applyAppGrants(ownerUrl, APP_ROLE);
      expect(report.unlisted).toEqual(["unlisted_probe"]);
      await expect(client.$queryRawUnsafe(`SELECT * FROM unlisted_probe`)).rejects.toThrow(/permission denied/);
    } finally {
      await owner.query(`DROP TABLE IF EXISTS unlisted_probe`);
      await owner.end();
    }
  });

  it("is granted in docs/deploy.md exactly as prisma/grants.ts grants it", () => {
    expect(readFileSync(path.resolve(import.meta.dirname, "../../docs/deploy.md"), "utf8")).toContain(appGrantsSql(APP_ROLE));
  });

  it("refuses grants that would put the portal in charge of the log", async () => {
    await expect(applyAppGrants(ownerUrl, OWNER_ROLE)).rejects.toThrow(/same role/);
    await expect(applyAppGrants(ownerUrl, "portal")).rejects.toThrow(/is a superuser/);
    await expect(applyAppGrants(ownerUrl, "nobody_here")).rejects.toThrow(/does not exist/);
  });
});

describe("a database made before the roles existed", () => {
  it("is handed to the owner, upgraded by it, and then served by the application role", async () => {
    const migrations = path.resolve(import.meta.dirname, "../../prisma/migrations");
    const before = mkdtempSync(path.join(tmpdir(), "portal-migrations-"));
    const admin = inject("pgAdminUrl");
    const name = uniqueDatabaseName("legacy");
    try {
      cpSync(migrations, before, { recursive: true });
      for (const d of readdirSync(before)) if (d >= "20261129121000_audit_roles") rmSync(path.join(before, d), { recursive: true });
      // As before: the database, its tables and functions all belong to the superuser that migrated them.
      const a = new pg.Client({ connectionString: admin });
      await a.connect();
      await a.query(`CREATE DATABASE ${name}`);
      await a.end();
      const superUrl = databaseUrl(admin, name);
      await migrateDeploy(superUrl, { migrationsDir: before });
      const old = createDb(superUrl);
      await old.$transaction((tx) => appendAudit(tx, { actor: null, action: "test.before_roles" }));
      await old.$disconnect();

      await adoptDatabase(admin, name);
      const c = new pg.Client({ connectionString: superUrl });
      await c.connect();
      try {
        const { rows } = await c.query(
          `SELECT kind, name, owner FROM (
             SELECT 'relation' AS kind, c.relname::text AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'
             UNION ALL SELECT 'function', p.proname::text, pg_get_userbyid(p.proowner) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
             UNION ALL SELECT 'type', t.typname::text, pg_get_userbyid(t.typowner) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'
             UNION ALL SELECT 'database', datname::text, pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()
           ) o WHERE owner <> $1`,
          [OWNER_ROLE],
        );
        expect(rows).toEqual([]);
      } finally {
        await c.end();
      }

      expect((await migrateDeploy(roleUrl(superUrl, OWNER_ROLE)))[0]).toBe("20261129121000_audit_roles");
      await applyAppGrants(roleUrl(superUrl, OWNER_ROLE), APP_ROLE);
      const app = createDb(roleUrl(superUrl, APP_ROLE));
      try {
        await app.$transaction((tx) => appendAudit(tx, { actor: null, action: "test.after_roles" }));
        expect(await verifyChain(app)).toMatchObject({ ok: true, count: 2 });
        await expect(app.$executeRawUnsafe(`DELETE FROM audit_event`)).rejects.toThrow(/permission denied/);
      } finally {
        await app.$disconnect();
      }
    } finally {
      rmSync(before, { recursive: true, force: true });
    }
  });
});
