/**
 * The connection string each Prisma client was built from (lib/db.ts createDb), for code that needs its own raw
 * connection to the same database: the audit chain's verification reads the log with COPY, which Prisma cannot run.
 * Kept apart from lib/db.ts so that code does not load the Prisma client.
 */
const urls = new WeakMap<object, string>();

export function rememberConnectionString(client: object, url: string): void {
  urls.set(client, url);
}

/** The connection string `client` was built from, when createDb built it. */
export function connectionStringOf(client: object): string | undefined {
  return urls.get(client);
}
