import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;
/** A client or the client inside `$transaction`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { portalDb?: PrismaClient };

/** Distinct statements this process prepares at most; more are sent unnamed (parsed and planned every time). */
const MAX_PREPARED = 1_000;
const statementNames = new Map<string, string>();

/**
 * A name per distinct SQL text, so each pooled connection parses and plans a statement once and then only binds
 * and executes it (the hot paths run the same few statements over and over). Names are per process and bounded,
 * so a connection never holds more than MAX_PREPARED prepared statements.
 */
function statementName(query: { sql: string }): string {
  let name = statementNames.get(query.sql);
  if (!name && statementNames.size < MAX_PREPARED) {
    name = `portal_${statementNames.size}`;
    statementNames.set(query.sql, name);
  }
  // "" is the protocol's unnamed statement.
  return name ?? "";
}

export function createDb(url: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, connectionTimeoutMillis: 3_000, max: 20 }, { statementNameGenerator: statementName });
  return new PrismaClient({ adapter });
}

/** The process's one Prisma client, built lazily from DATABASE_URL (so builds need no database). */
export function db(): PrismaClient {
  if (!globalForDb.portalDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set; start the portal with `npm start` or set DATABASE_URL.");
    globalForDb.portalDb = createDb(url);
  }
  return globalForDb.portalDb;
}

/** True for errors that mean PostgreSQL could not be reached (as opposed to a query's own failure). */
export function isDatabaseUnavailable(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message} ${String((e as { code?: unknown }).code ?? "")}` : String(e);
  return /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|DatabaseNotReachable|P1001|57P03/i.test(text);
}
