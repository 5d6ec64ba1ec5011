/**
 * One embedded PostgreSQL per test run, a migrated template database, and a fresh database per test file
 * (CREATE DATABASE … TEMPLATE). Refuses any server that is not on this machine.
 *
 * Roles as in production: the template is migrated by the owner role and the application role gets exactly the
 * grants of prisma/grants.ts (the copies keep them), and createTestDatabase hands out the application role's URL,
 * so the portal's code runs in tests with the privileges it has in production and a missing grant fails a test.
 * `testDatabaseUrls` also gives the owner's and the superuser's URL, for set-up and for tests that play an attacker.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../scripts/lib/embedded-postgres";
import { migrateDeploy } from "../../prisma/migrator";
import { applyAppGrants } from "../../prisma/grants";
import { APP_ROLE, OWNER_ROLE, roleUrl } from "../../scripts/lib/db-roles";

export const TEMPLATE_DB = "portal_template";

export function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`Refusing to run tests against a non-local database (${host}).`);
  }
}

export async function startTestPostgres(): Promise<{ adminUrl: string; server: EmbeddedServer; stop: () => Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "portal-test-pg-"));
  const server = await startEmbeddedPostgres(dir);
  const adminUrl = server.url("postgres");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${TEMPLATE_DB} OWNER ${OWNER_ROLE}`);
  await client.end();
  await migrateDeploy(server.ownerUrl(TEMPLATE_DB));
  const grants = await applyAppGrants(server.ownerUrl(TEMPLATE_DB), APP_ROLE);
  if (grants.unlisted.length) throw new Error(`prisma/grants.ts does not list the tables ${grants.unlisted.join(", ")}: the portal would have no privilege on them.`);
  return {
    adminUrl,
    server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, migrated database from the template; returns its URL as the application role (the portal's). */
export async function createTestDatabase(adminUrl: string, name = uniqueDatabaseName("t")): Promise<string> {
  return (await createTestDatabaseWithRoles(adminUrl, name)).url;
}

export type TestDatabaseUrls = {
  /** The application role: what the portal's code runs as. */
  url: string;
  /** The owner role (migrations; an insider who owns the tables). */
  ownerUrl: string;
  /** The cluster's superuser on this database (set-up that no portal role may do; an attacker with every power). */
  superUrl: string;
};

export async function createTestDatabaseWithRoles(adminUrl: string, name = uniqueDatabaseName("t")): Promise<TestDatabaseUrls> {
  assertLocal(adminUrl);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB} OWNER ${OWNER_ROLE}`);
  } finally {
    await client.end();
  }
  return testDatabaseUrls(adminUrl, name);
}

/** The three URLs of a test database by name (the run's superuser URL is `adminUrl`). */
export function testDatabaseUrls(adminUrl: string, name: string): TestDatabaseUrls {
  const superUrl = databaseUrl(adminUrl, name);
  return { url: roleUrl(superUrl, APP_ROLE), ownerUrl: roleUrl(superUrl, OWNER_ROLE), superUrl };
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
