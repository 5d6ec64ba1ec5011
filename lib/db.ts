import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client";
import { attachConnection, poolOf } from "./db-connection";
import { log } from "./log";
import { pgRunner, statementName, type SqlRunner } from "./sql";

export type Db = PrismaClient;
/** A client or the client inside `$transaction`. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { portalDb?: PrismaClient };

const SQL_STATEMENT_TIMEOUT = "5s";

/**
 * A Prisma client over a `pg` pool that the hot paths (sqlTransaction) share, so both count against one connection
 * limit. Every statement is prepared once per connection (statementName).
 */
export function createDb(url: string): PrismaClient {
  // Idle connections stay a minute, so a burst of sign-offs after a quiet spell rarely pays for new connections.
  // A new connection gets as long as a transaction may wait for one (maxWait below, 10 s): PostgreSQL starting a
  // backend on a saturated machine took more than the 3 s this used to allow, and 20 concurrent transactions failed
  // "Connection terminated due to connection timeout" (a loaded test run; tests/integration/db-transactions.test.ts).
  // A server that refuses connections still fails at once; readiness keeps its own 2 s limit (lib/health.ts).
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 60_000, max: 20 });
  // An idle connection that the server ends (a restart, an administrator) is dropped from the pool; without a
  // listener the error would end the process.
  pool.on("error", (e) => log.warn("db.idle_connection_lost", { err: e }));
  const adapter = new PrismaPg(pool, { statementNameGenerator: (q) => statementName(q.sql), disposeExternalPool: true });
  // Prisma's default interactive-transaction timeout (5 s) ran out on a saturated two-core machine, and its rollback
  // raced the next statement of the transaction, which then ran on the same connection outside any transaction: the
  // seed's insert failed on a foreign key to rows the rollback had removed (a loaded test run, load 19). A transaction
  // here is a handful of statements; the limit exists to stop a stuck one, not to cut a slow one in half.
  const client = new PrismaClient({ adapter, transactionOptions: { timeout: 30_000, maxWait: 10_000 } });
  attachConnection(client, { url, pool });
  return client;
}

/**
 * Runs `fn` in a transaction on a connection of the client's pool, with plain SQL and no Prisma in between (the
 * run engine's sign-offs, which must stay fast with many people signing at once). Commits when `fn` returns and
 * rolls back when it throws; a connection that failed is discarded, not returned to the pool.
 */
export async function sqlTransaction<T>(fn: (sql: SqlRunner) => Promise<T>, client: PrismaClient = db()): Promise<T> {
  const pool = poolOf(client);
  if (!pool) throw new Error("This Prisma client was not made by createDb, so it has no pool for plain-SQL transactions.");
  const conn = await pool.connect();
  let failed: Error | undefined;
  const onError = (e: Error) => {
    failed = e;
  };
  conn.on("error", onError);
  try {
    // One round trip; like Prisma's transaction timeout, a statement stuck behind a lock gives up instead of waiting forever.
    await conn.query(`BEGIN; SET LOCAL statement_timeout = '${SQL_STATEMENT_TIMEOUT}'`);
    const result = await fn(pgRunner(conn));
    await conn.query("COMMIT");
    return result;
  } catch (e) {
    await conn.query("ROLLBACK").catch((rollbackError: Error) => {
      failed ??= rollbackError;
    });
    throw e;
  } finally {
    conn.removeListener("error", onError);
    conn.release(failed);
  }
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

/** Disconnects the process's client, if one was made (scripts that stop their own database server call this first). */
export async function closeDb(): Promise<void> {
  const client = globalForDb.portalDb;
  globalForDb.portalDb = undefined;
  await client?.$disconnect();
}

/** True for errors that mean PostgreSQL could not be reached (as opposed to a query's own failure). */
export function isDatabaseUnavailable(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message} ${String((e as { code?: unknown }).code ?? "")}` : String(e);
  return /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection terminated|timeout exceeded when trying to connect|DatabaseNotReachable|P1001|57P03/i.test(text);
}
