/**
 * Resolves the database the portal uses, and the two roles on it: DATABASE_URL (the application role the portal
 * serves as) and DATABASE_OWNER_URL (the owner, which runs migrations) when set — nothing is started — otherwise
 * the embedded PostgreSQL in .data/postgres with the `portal` database, where both roles are created.
 */
import path from "node:path";
import pg from "pg";
import { migrateDeploy } from "../../prisma/migrator";
import { applyAppGrants, roleOf, type GrantReport } from "../../prisma/grants";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from "./embedded-postgres";
import { adoptDatabase } from "./db-roles";

export const DATA_DIR = path.resolve(import.meta.dirname, "../../.data");
export const EMBEDDED_DB = "portal";

export type Database = {
  /** The application role: what the portal and its scripts (seed, people:add) connect as. */
  url: string;
  /** The owner role: what migrations run as. Equals `url` on a database configured with one role only. */
  ownerUrl: string;
  embedded: EmbeddedServer | null;
  stop: () => Promise<void>;
};

export const ONE_ROLE_WARNING =
  "DATABASE_OWNER_URL is not set, so migrations ran as the portal's own role (DATABASE_URL): that role owns the audit log and could rewrite it unnoticed by the database. " +
  'Create an owner role and an application role (docs/deploy.md, "Database roles").';

export async function openDatabase(log: (line: string) => void = () => {}): Promise<Database> {
  const external = process.env.DATABASE_URL;
  const owner = process.env.DATABASE_OWNER_URL;
  if (external) return { url: external, ownerUrl: owner || external, embedded: null, stop: async () => {} };
  if (owner) throw new Error("DATABASE_OWNER_URL is set but DATABASE_URL is not: set both (the owner for migrations, the application role for the portal), or neither for the embedded database.");
  const server = await startEmbeddedPostgres(path.join(DATA_DIR, "postgres"), { log });
  try {
    await ensureDatabase(server.url("postgres"), EMBEDDED_DB);
    // A database made before the roles existed belongs to the superuser: hand it to the owner role.
    await adoptDatabase(server.url("postgres"), EMBEDDED_DB);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return { url: server.appUrl(EMBEDDED_DB), ownerUrl: server.ownerUrl(EMBEDDED_DB), embedded: server, stop: server.stop };
}

/**
 * Whether this process may run migrations: on the embedded database and with DATABASE_OWNER_URL, yes; with
 * DATABASE_URL alone only where that role can write the migration history (a one-role set-up, or a database not
 * migrated yet). The application role of a two-role set-up cannot: its migrations are `npm run db:migrate`'s job.
 */
export async function mayMigrate(database: Database): Promise<boolean> {
  if (database.embedded || database.ownerUrl !== database.url) return true;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ may: boolean }>(`SELECT CASE WHEN to_regclass('_prisma_migrations') IS NULL THEN has_schema_privilege(current_schema(), 'CREATE') ELSE has_table_privilege('_prisma_migrations', 'INSERT') END AS may`);
    return rows[0].may;
  } finally {
    await client.end();
  }
}

/**
 * Applies pending migrations as the owner, then gives the application role exactly its privileges
 * (prisma/grants.ts). `warn` hears of a one-role set-up and of tables the grant list does not know.
 */
export async function migrateDatabase(database: Database, warn: (message: string) => void): Promise<{ applied: string[]; grants: GrantReport | null }> {
  const applied = await migrateDeploy(database.ownerUrl);
  if (database.ownerUrl === database.url) {
    warn(ONE_ROLE_WARNING);
    return { applied, grants: null };
  }
  const grants = await applyAppGrants(database.ownerUrl, roleOf(database.url));
  if (grants.unlisted.length) warn(`The portal's role gets no privilege on ${grants.unlisted.join(", ")}: add ${grants.unlisted.length === 1 ? "it" : "them"} to APP_TABLE_PRIVILEGES in prisma/grants.ts.`);
  return { applied, grants };
}
