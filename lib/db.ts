import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { rememberConnectionString } from "./db-connection";

export type Db = PrismaClient;
/** A client or the client inside `$transaction`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { portalDb?: PrismaClient };

export function createDb(url: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: url, connectionTimeoutMillis: 3_000, max: 20 });
  const client = new PrismaClient({ adapter });
  rememberConnectionString(client, url);
  return client;
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
