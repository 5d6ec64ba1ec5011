/**
 * One embedded PostgreSQL per test run, a migrated template database, and a fresh database per test file
 * (CREATE DATABASE … TEMPLATE). Refuses any server that is not on this machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedServer } from "../../scripts/lib/embedded-postgres";
import { migrateDeploy } from "../../prisma/migrator";

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
  await client.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await client.end();
  await migrateDeploy(server.url(TEMPLATE_DB));
  return {
    adminUrl,
    server,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a fresh, migrated database from the template; returns its URL. */
export async function createTestDatabase(adminUrl: string, name = uniqueDatabaseName("t")): Promise<string> {
  assertLocal(adminUrl);
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`);
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, name);
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
