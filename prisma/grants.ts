/**
 * The application role's privileges: exactly what the portal needs, table by table. Migrations run as the owner
 * role (DATABASE_OWNER_URL); the portal serves as the application role (DATABASE_URL), which may append to the
 * audit log only through the SECURITY DEFINER functions of migration 20261129121000_audit_roles and holds no
 * UPDATE, DELETE, TRUNCATE, REFERENCES or TRIGGER anywhere, and no ownership (so no ALTER).
 *
 * Applied after every migration (scripts/migrate.ts, scripts/launch.ts, the test harness), by the owner: every
 * privilege the role holds on the schema's tables and sequences and on the audit functions is revoked, then the list below is
 * granted, so the database ends up with exactly this list whatever was granted before.
 *
 * A new table needs a line here. Until it has one the portal cannot read it, applyAppGrants names it, and
 * tests/integration/db-roles.test.ts fails. A line for a table the schema does not have (yet) grants nothing.
 */
import pg from "pg";

type TablePrivilege = "SELECT" | "INSERT" | "UPDATE";

/** Per table: what the portal does to it (found in lib/, app/, prisma/seed-db.ts and scripts/people-add.ts). */
export const APP_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  // The audit log: read only; appended through audit_append(), heads recorded through audit_record_head().
  audit_event: ["SELECT"],
  chain_head: ["SELECT"],
  // Never deleted by the portal; rows change state (version columns, statuses, evidence, voided signatures).
  person: ["SELECT", "INSERT", "UPDATE"],
  repo: ["SELECT", "INSERT", "UPDATE"],
  run: ["SELECT", "INSERT", "UPDATE"],
  step_state: ["SELECT", "INSERT", "UPDATE"],
  signature: ["SELECT", "INSERT", "UPDATE"],
  command: ["SELECT", "INSERT", "UPDATE"],
  incident: ["SELECT", "INSERT", "UPDATE"],
  alert: ["SELECT", "INSERT", "UPDATE"],
  onboarding: ["SELECT", "INSERT", "UPDATE"],
  notification: ["SELECT", "INSERT", "UPDATE"],
  // Access requests (issue 13, on main: migration 20261129120000_access_administration); decided by a conditional update.
  access_request: ["SELECT", "INSERT", "UPDATE"],
  // INSERT … ON CONFLICT DO UPDATE.
  rate_window: ["SELECT", "INSERT", "UPDATE"],
  // Follow-ups of RCAs and incidents (issue 19): closed by a conditional update on their version.
  follow_up: ["SELECT", "INSERT", "UPDATE"],
  // Written once, never changed.
  runbook_version: ["SELECT", "INSERT"],
  step_request: ["SELECT", "INSERT"],
  rca_version: ["SELECT", "INSERT"],
  decision: ["SELECT", "INSERT"],
  // Recorded runbook reviews (issue 19).
  runbook_review: ["SELECT", "INSERT"],
  // Read only: readiness (/api/health/ready) compares the applied migrations with the build's; only the owner migrates.
  _prisma_migrations: ["SELECT"],
};

/** Tables the portal never touches (none today: it reads the migration history for readiness, and writes none). */
export const OWNER_ONLY_TABLES: readonly string[] = [];

/** The SECURITY DEFINER functions the application role may call. */
export const APP_FUNCTIONS: readonly string[] = [
  "audit_append(timestamptz, uuid, text, text[], text, text, text, text, jsonb, text, text, text)",
  "audit_record_head(bigint, text, text, text)",
];

/** The role a connection string logs in as. */
export function roleOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export type GrantReport = { role: string; tables: number; unlisted: string[] };

/**
 * Makes `appRole`'s privileges on the schema exactly APP_TABLE_PRIVILEGES and APP_FUNCTIONS, connected as the owner
 * (`ownerUrl`). Tables the list does not know are left without any privilege and returned in `unlisted`.
 */
export async function applyAppGrants(ownerUrl: string, appRole: string, schema = "public"): Promise<GrantReport> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows: role } = await client.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = $1`, [appRole]);
    if (role.length === 0) throw new Error(`The application role "${appRole}" (the user in DATABASE_URL) does not exist. Create it first (docs/deploy.md, "Database roles").`);
    if (role[0].rolsuper) throw new Error(`The application role "${appRole}" is a superuser: it could rewrite the audit log. Give the portal an ordinary role (docs/deploy.md, "Database roles").`);
    if (appRole === roleOf(ownerUrl)) throw new Error(`DATABASE_URL and DATABASE_OWNER_URL log in as the same role "${appRole}": the portal would own the audit log. Give the portal a role of its own (docs/deploy.md, "Database roles").`);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
      [schema],
    );
    const tables = rows.map((r) => r.name);
    const unlisted = tables.filter((t) => !(t in APP_TABLE_PRIVILEGES) && !OWNER_ONLY_TABLES.includes(t));
    const s = ident(schema);
    const app = ident(appRole);
    const statements = [
      `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${app}`,
      `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${app}`,
      ...APP_FUNCTIONS.map((f) => `REVOKE ALL ON FUNCTION ${s}.${f} FROM ${app}`),
      `GRANT USAGE ON SCHEMA ${s} TO ${app}`,
      ...tables.filter((t) => t in APP_TABLE_PRIVILEGES).map((t) => `GRANT ${APP_TABLE_PRIVILEGES[t].join(", ")} ON TABLE ${s}.${ident(t)} TO ${app}`),
      ...APP_FUNCTIONS.map((f) => `GRANT EXECUTE ON FUNCTION ${s}.${f} TO ${app}`),
    ];
    await client.query("BEGIN");
    try {
      for (const sql of statements) await client.query(sql);
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    }
    return { role: appRole, tables: tables.length - unlisted.length, unlisted };
  } finally {
    await client.end();
  }
}

/** The grants as SQL, for a database administrator who applies them by hand (docs/deploy.md). */
export function appGrantsSql(appRole: string, schema = "public"): string {
  const s = ident(schema);
  const app = ident(appRole);
  return [
    `GRANT USAGE ON SCHEMA ${s} TO ${app};`,
    ...Object.entries(APP_TABLE_PRIVILEGES).map(([t, p]) => `GRANT ${p.join(", ")} ON TABLE ${s}.${ident(t)} TO ${app};`),
    ...APP_FUNCTIONS.map((f) => `GRANT EXECUTE ON FUNCTION ${s}.${f} TO ${app};`),
  ].join("\n");
}
