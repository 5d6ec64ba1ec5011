/**
 * What createDb (lib/db.ts) attaches to each Prisma client it builds: the connection string, for code that needs
 * its own raw connection to the same database (the audit chain's verification reads the log with COPY, which Prisma
 * cannot run), and the `pg` pool the client runs on, for plain-SQL transactions (sqlTransaction). Kept apart from
 * lib/db.ts so that code does not load the Prisma client.
 *
 * Kept on the client under a registered symbol, not in a module-level map: Next.js bundles this module into several
 * server layers, and the one client (on globalThis) must be found from any of them.
 */
import type pg from "pg";

const CONNECTION = Symbol.for("portal.db.connection");
type Connection = { url: string; pool: pg.Pool };
type WithConnection = { [CONNECTION]?: Connection };

export function attachConnection(client: object, connection: Connection): void {
  (client as WithConnection)[CONNECTION] = connection;
}

/** The connection string `client` was built from, when createDb built it. */
export function connectionStringOf(client: object): string | undefined {
  return (client as WithConnection)[CONNECTION]?.url;
}

/** The pool `client` runs on, when createDb built it. */
export function poolOf(client: object): pg.Pool | undefined {
  return (client as WithConnection)[CONNECTION]?.pool;
}
