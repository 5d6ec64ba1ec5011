/**
 * The commands store: every write of the `command` outbox, in plain SQL on a SqlRunner (lib/sql.ts). A command is
 * written in the transaction of the action that asks for it (often the SQL sign-off, the hot path), so the store is
 * SQL throughout: the relay's claim, lease renewal and outcome, and a person's decision on a held command, run on
 * `runnerOf(tx)` inside a Prisma transaction or on a `pg` connection alike.
 *
 * Concurrency (docs/architecture.md): the relay claims due rows with FOR UPDATE SKIP LOCKED (a queue, the one place
 * for row locks); every later write names what it read (the attempt it claimed, the hold's updatedAt), and a write
 * that finds another did nothing.
 */
import { randomUUID } from "node:crypto";
import type { Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { query, runnerOf, type SqlRunner } from "../sql";
import { ActionError } from "../actions/result";
import { consentRefusal, type Consent, type ControlPlaneAction } from "../control-plane/actions";
import { safeParseActionParams } from "../control-plane/contract";
import { canonicalRequestHash } from "../control-plane/request-hash";

export type EnqueueCommandInput = {
  action: ControlPlaneAction;
  /** As written (lenient); stored in canonical form. */
  params: unknown;
  runId?: string | null;
  stepId?: string | null;
  /** The person who asked (their id), or null for the system. */
  requestedBy: { id: string } | string | null;
  /** Who asked and who approved: required for a critical action (consentRefusal). */
  consent?: Consent;
};

/** A command as written by enqueueCommand (PENDING, not attempted yet). */
export type EnqueuedCommand = { id: string; action: ControlPlaneAction; params: Record<string, unknown>; requestHash: string; idempotencyKey: string };

/**
 * Validates the parameters with the action's schema and writes a PENDING command inside the caller's transaction,
 * with its request hash and a fresh idempotency key. The caller appends its own audit event in the same transaction.
 * Throws ActionParamsError (with `fieldErrors`) when the parameters are invalid, and ActionError FORBIDDEN, writing
 * nothing, for a critical action without the consent it needs.
 */
export async function enqueueCommand(client: Tx | SqlRunner, input: EnqueueCommandInput): Promise<EnqueuedCommand> {
  const parsed = safeParseActionParams(input.action, input.params);
  if (!parsed.ok) throw parsed.error;
  const refusal = consentRefusal(input.action, parsed.params, input.consent);
  if (refusal) throw new ActionError("FORBIDDEN", refusal);
  const requestHash = canonicalRequestHash(input.action, parsed.params);
  const requestedById = input.requestedBy === null ? null : typeof input.requestedBy === "string" ? input.requestedBy : input.requestedBy.id;
  const idempotencyKey = randomUUID();
  const [row] = await query<{ id: string }>(
    runnerOf(client),
    Prisma.sql`INSERT INTO "command" ("id", "action", "params", "requestHash", "idempotencyKey", "runId", "stepId", "requestedById", "updatedAt")
               VALUES (gen_random_uuid(), ${input.action}, ${JSON.stringify(parsed.params)}::jsonb, ${requestHash}, ${idempotencyKey}, ${input.runId ?? null}::uuid,
                       ${input.stepId ?? null}::text, ${requestedById}::uuid, now())
               RETURNING "id"::text AS "id"`,
  );
  return { id: row.id, action: input.action, params: parsed.params, requestHash, idempotencyKey };
}

/** A row the relay claimed for one attempt. */
export type ClaimedCommand = {
  id: string;
  action: string;
  params: unknown;
  idempotencyKey: string;
  attempts: number;
  requestHash: string;
  runId: string | null;
  stepId: string | null;
};

/**
 * Claims up to `limit` due rows (PENDING, and SENDING whose lease ran out) with FOR UPDATE SKIP LOCKED: marks them
 * SENDING with a lease until `leaseUntil` and counts the attempt. Run it outside a transaction, so the claim commits
 * before anything is sent.
 */
export function claimDueCommands(sql: SqlRunner, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedCommand[]> {
  return query<ClaimedCommand>(
    sql,
    Prisma.sql`
    UPDATE "command"
       SET "state" = 'SENDING', "attempts" = "attempts" + 1, "nextAttemptAt" = ${leaseUntil}::timestamptz, "updatedAt" = ${now}::timestamptz
     WHERE "id" IN (
       SELECT "id" FROM "command"
        WHERE "state" IN ('PENDING', 'SENDING') AND "nextAttemptAt" <= ${now}::timestamptz
        ORDER BY "nextAttemptAt", "createdAt"
        LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED)
    RETURNING "id"::text AS "id", "action", "params", "idempotencyKey", "attempts", "requestHash", "runId"::text AS "runId", "stepId"`,
  );
}

/** Extends the lease of rows still SENDING under the attempt this relay claimed (a newer claim is never extended). */
export async function renewLeases(sql: SqlRunner, until: Date, claimed: { id: string; attempts: number }[]): Promise<void> {
  await query(
    sql,
    Prisma.sql`
        UPDATE "command" c SET "nextAttemptAt" = ${until}::timestamptz
          FROM jsonb_to_recordset(${JSON.stringify(claimed)}::jsonb) AS r("id" uuid, "attempts" int)
         WHERE c."id" = r."id" AND c."attempts" = r."attempts" AND c."state" = 'SENDING'`,
  );
}

/** What an attempt's outcome (or a person's decision) writes; unset fields keep their value. */
export type CommandChange = {
  state: "PENDING" | "SUCCEEDED" | "FAILED" | "NEEDS_DECISION";
  updatedAt: Date;
  response?: unknown;
  lastError?: string | null;
  nextAttemptAt?: Date;
  completedAt?: Date;
  holdReason?: string | null;
  retryAfterSeconds?: number | null;
};

const COMMAND_COLUMNS: Record<keyof CommandChange, string> = {
  state: '"CommandState"',
  updatedAt: "timestamptz",
  response: "jsonb",
  lastError: "text",
  nextAttemptAt: "timestamptz",
  completedAt: "timestamptz",
  holdReason: "text",
  retryAfterSeconds: "int",
};

function assignments(change: CommandChange): Prisma.Sql {
  return Prisma.join(
    Object.entries(change)
      .filter(([, value]) => value !== undefined)
      .map(([column, value]) => {
        const type = COMMAND_COLUMNS[column as keyof CommandChange];
        const param = type === "jsonb" && value !== null ? JSON.stringify(value) : value;
        return Prisma.sql`${Prisma.raw(`"${column}"`)} = ${param}::${Prisma.raw(type)}`;
      }),
    ", ",
  );
}

/**
 * Records an attempt's outcome if the row is still SENDING under that attempt (the attempt count is the version: a
 * relay whose lease ran out must not overwrite a newer attempt). False when it is not.
 */
export async function recordAttempt(sql: SqlRunner, claimed: { id: string; attempts: number }, change: CommandChange): Promise<boolean> {
  const rows = await query(
    sql,
    Prisma.sql`UPDATE "command" SET ${assignments(change)} WHERE "id" = ${claimed.id}::uuid AND "state" = 'SENDING' AND "attempts" = ${claimed.attempts}::int RETURNING 1 AS "ok"`,
  );
  return rows.length > 0;
}

export type HeldCommand = {
  id: string;
  action: string;
  state: string;
  runId: string | null;
  stepId: string | null;
  holdReason: string | null;
  lastError: string | null;
  idempotencyKey: string;
  /** The hold's version: ISO time with milliseconds, as stored. */
  updatedAt: string;
};

/** A command as a decision on it needs it (null when there is none). */
export async function readCommand(sql: SqlRunner, id: string): Promise<HeldCommand | null> {
  const [row] = await query<HeldCommand>(
    sql,
    Prisma.sql`SELECT "id"::text AS "id", "action", "state"::text AS "state", "runId"::text AS "runId", "stepId", "holdReason", "lastError", "idempotencyKey",
                      to_char("updatedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"
                 FROM "command" WHERE "id" = ${id}::uuid`,
  );
  return row ?? null;
}

/** Applies a decision to a held command if it is still the hold that was read; false when someone decided first. */
export async function decideHold(sql: SqlRunner, held: Pick<HeldCommand, "id" | "updatedAt">, change: CommandChange): Promise<boolean> {
  const rows = await query(
    sql,
    Prisma.sql`UPDATE "command" SET ${assignments(change)} WHERE "id" = ${held.id}::uuid AND "state" = 'NEEDS_DECISION' AND "updatedAt" = ${held.updatedAt}::timestamptz RETURNING 1 AS "ok"`,
  );
  return rows.length > 0;
}
