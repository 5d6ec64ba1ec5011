/**
 * The connection string each Prisma client was built from (lib/db.ts createDb), for code that needs its own raw
 * connection to the same database: the audit chain's verification reads the log with COPY, which Prisma cannot run.
 * Kept apart from lib/db.ts so that code does not load the Prisma client.
 *
 * Kept on the client under a registered symbol, not in a module-level map: Next.js bundles this module into several
 * server layers, and the one client (on globalThis) must be found from any of them.
 */
const URL_KEY = Symbol.for("portal.db.url");
type WithUrl = { [URL_KEY]?: string };

export function rememberConnectionString(client: object, url: string): void {
  (client as WithUrl)[URL_KEY] = url;
}

/** The connection string `client` was built from, when createDb built it. */
export function connectionStringOf(client: object): string | undefined {
  return (client as WithUrl)[URL_KEY];
}
