/**
 * The two database roles on the embedded PostgreSQL (and the test servers, which are embedded ones too): the owner,
 * which runs migrations and owns every table, and the application role the portal serves as (prisma/grants.ts says
 * what it may do). Both are created by the cluster's superuser, which the launcher keeps for itself.
 *
 * Their passwords are derived from the superuser's (HMAC-SHA256 of the role name under it): nothing to store, and
 * one-way, so whoever reads the portal's DATABASE_URL learns nothing of the owner's or the superuser's password.
 */
import { createHmac } from "node:crypto";
import pg from "pg";

export const OWNER_ROLE = "portal_owner";
export const APP_ROLE = "portal_app";

export function rolePassword(superPassword: string, role: string): string {
  return createHmac("sha256", superPassword).update(`portal role ${role}`).digest("base64url");
}

/** The same server and database as `superUrl`, logged in as `role` (OWNER_ROLE or APP_ROLE). */
export function roleUrl(superUrl: string, role: string): string {
  const url = new URL(superUrl);
  const password = rolePassword(decodeURIComponent(url.password), role);
  url.username = role;
  url.password = encodeURIComponent(password);
  return url.toString();
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** Creates the owner and application roles if they are missing and (re)sets their attributes and passwords. */
export async function ensureRoles(superUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: superUrl });
  await client.connect();
  try {
    for (const [role, attributes] of [
      // CREATEDB: `npm run db:migrate:dev` checks a new migration on a scratch ("shadow") database.
      [OWNER_ROLE, "LOGIN NOSUPERUSER CREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"],
      [APP_ROLE, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"],
    ] as const) {
      const { rowCount } = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
      // The password is base64url (no quote can occur); CREATE/ALTER ROLE take no bind parameters.
      const password = rolePassword(decodeURIComponent(new URL(superUrl).password), role);
      await client.query(`${rowCount ? "ALTER" : "CREATE"} ROLE ${ident(role)} WITH ${attributes} PASSWORD '${password}'`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Hands a database made before the roles existed (its objects owned by the superuser) to the owner role: the
 * database itself and every table, sequence, function and type of its public schema that is not part of an
 * extension. Does nothing to a database that is already the owner's.
 */
export async function adoptDatabase(superServerUrl: string, database: string): Promise<void> {
  const server = new pg.Client({ connectionString: superServerUrl });
  await server.connect();
  try {
    await server.query(`ALTER DATABASE ${ident(database)} OWNER TO ${OWNER_ROLE}`);
  } finally {
    await server.end();
  }
  const url = new URL(superServerUrl);
  url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.oid::regclass::text AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> '${OWNER_ROLE}'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER TABLE %s OWNER TO ${OWNER_ROLE}', r.obj); END LOOP;
  FOR r IN SELECT c.oid::regclass::text AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> '${OWNER_ROLE}'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
  LOOP EXECUTE format('ALTER SEQUENCE %s OWNER TO ${OWNER_ROLE}', r.obj); END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${OWNER_ROLE}'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER FUNCTION %s OWNER TO ${OWNER_ROLE}', r.obj); END LOOP;
  FOR r IN SELECT t.oid::regtype::text AS obj FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd') AND pg_get_userbyid(t.typowner) <> '${OWNER_ROLE}'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
  LOOP EXECUTE format('ALTER TYPE %s OWNER TO ${OWNER_ROLE}', r.obj); END LOOP;
END $$`);
  } finally {
    await client.end();
  }
}
