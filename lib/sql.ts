/**
 * Plain SQL over either driver. The run engine's hot path and the audit chain are written as SQL statements
 * against a SqlRunner, so the same code runs inside a Prisma transaction (prismaRunner) or on a `pg` connection
 * that the action wrapper holds in a transaction of its own (pgRunner), which costs a fraction of Prisma's
 * per-query work. Write such SQL so both drivers return the same JavaScript values: cast bigint to text and
 * counts to int, and read uuids and enums as text.
 */
import { hash } from "node:crypto";
import type pg from "pg";
import type { Prisma } from "./generated/prisma/client";
import { copyAccessForDatabase, copyAccessForPg, type CopyAccess } from "./audit/copy";

/**
 * The one way the stores reach PostgreSQL in SQL: a statement and its parameters in, rows out. `copy`, where
 * present, reads the same database with binary COPY (the audit chain verification's fast path).
 */
export type SqlRunner = (<T extends Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>) & { copy?: CopyAccess };

type PrismaLike = { $queryRawUnsafe: <T = unknown>(query: string, ...values: unknown[]) => Promise<T> };

/**
 * A runner over the Prisma client or a Prisma transaction. A client built by createDb can also COPY (over its own
 * connections to the same database); a transaction cannot, as those connections would not see it.
 */
export function prismaRunner(client: PrismaLike): SqlRunner {
  const run: SqlRunner = <T,>(sql: string, params: unknown[]) => client.$queryRawUnsafe<T[]>(sql, ...params);
  const copy = copyAccessForDatabase(client);
  if (copy) run.copy = copy;
  return run;
}

/**
 * Put first in a statement whose best plan depends on its parameters (a substring search: rare terms want the
 * trigram index, common ones the primary key). Such a statement is never prepared under a name: a named statement
 * may switch to PostgreSQL's generic plan after five calls, which would serve every later search with the plan of
 * an average one (a whole-table scan for a rare term).
 */
export const PLANNED_PER_CALL = "/* planned per call */ ";

/** Distinct statements this module names at most; more are sent unnamed (parsed and planned every time). */
const MAX_PREPARED = 1_000;
const statementNames = new Map<string, string>();

/**
 * A name per distinct SQL text, so each pooled connection parses and plans a statement once and then only binds
 * and executes it (the hot paths run the same few statements over and over). The name is a digest of the text, so
 * every copy of this module (Next.js bundles it into several server layers that share one pool) names a statement
 * the same way. At most MAX_PREPARED statements get a name, which bounds what a connection keeps prepared.
 * "" is the protocol's unnamed statement.
 */
export function statementName(sql: string): string {
  if (sql.startsWith(PLANNED_PER_CALL)) return "";
  let name = statementNames.get(sql);
  if (!name && statementNames.size < MAX_PREPARED) {
    name = `portal_${hash("sha1", sql, "hex")}`;
    statementNames.set(sql, name);
  }
  return name ?? "";
}

/**
 * A runner over a `pg` Client, PoolClient or Pool, with named prepared statements. A Client COPYs over itself, so
 * a verification sees what that connection sees (its open transaction, say); a Pool COPYs over connections of its own.
 */
export function pgRunner(client: pg.ClientBase | pg.Pool): SqlRunner {
  const run: SqlRunner = async <T,>(sql: string, params: unknown[]) => (await client.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
  run.copy = copyAccessForPg(client);
  return run;
}

export function isSqlRunner(x: unknown): x is SqlRunner {
  return typeof x === "function";
}

/** The runner itself, or one over a Prisma client or transaction. */
export function runnerOf(client: PrismaLike | SqlRunner): SqlRunner {
  return isSqlRunner(client) ? client : prismaRunner(client);
}

/** Runs a statement built with `Prisma.sql` (its `$n` text and values). */
export function query<T extends Record<string, unknown>>(run: SqlRunner, statement: Prisma.Sql): Promise<T[]> {
  return run<T>(statement.text, statement.values);
}
