/**
 * The outbox relay: control-plane actions are written as Command rows in the same transaction as the person's
 * action (enqueueCommand, lib/stores/commands.ts, which owns every write of the table), then delivered by the relay with their idempotency key (deliverDueCommands), which
 * records each outcome together with its audit event. A row is marked SENDING (committed) before its HTTP call, with
 * a short lease that the relay renews while it works on the row (a heartbeat); a crash mid-send leaves it SENDING,
 * and once its lease runs out (seconds, not minutes) it is sent again with the same key, and the control plane
 * answers with the stored result instead of acting twice.
 *
 * Some answers need a person: a Retry-After longer than the cap (default 5 min), an answer echoing another
 * idempotency key, or a 2xx that breaks the contract. Such a command is held (NEEDS_DECISION) until someone retries
 * it now or abandons it (decideHeldCommand): it is neither parked for hours nor recorded as a success.
 */
import { appendAudit } from "../audit/log";
import { db as defaultDb, type Db, type Tx } from "../db";
import { runnerOf } from "../sql";
import { claimDueCommands, decideHold, readCommand, recordAttempt, renewLeases, type ClaimedCommand, type CommandChange } from "../stores/commands";
import { log } from "../log";
import { DEFAULT_RELAY_INTERVAL_MS } from "../env";
import { LOCK_IDS } from "../locks";
import { timedDelivery } from "../metrics/record";
import { startLeaderLoop, type LeaderLoopHandle } from "../jobs/leader-loop";
import type { ControlPlaneAction } from "./actions";
import type { ControlPlaneClient } from "./client";
import { controlPlaneClient, maxRetryAfterMs as configuredMaxRetryAfterMs } from "./config";
import { ActionParamsError, isControlPlaneAction, type ActionParamsInput, type ActionResponse, type Problem } from "./contract";
import { ControlPlaneError, backoffDelayMs } from "./errors";

export const DEFAULT_MAX_ATTEMPTS = 8;
/** How long a claimed row is left alone before another relay may send it again; renewed every third of it. */
export const DEFAULT_LEASE_MS = 5_000;

/** Why a command waits for a person (Command.holdReason). */
export const HOLD_REASONS = ["retry-after-too-long", "key-mismatch", "invalid-response"] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

export type DeliverOptions = {
  db?: Db;
  client?: ControlPlaneClient;
  /** The time of this pass (default now): rows with nextAttemptAt <= now are due. */
  now?: Date;
  /** Rows claimed per pass (default 20). */
  limit?: number;
  /** Sends in parallel (default 4). */
  concurrency?: number;
  /** Attempts before a retryable failure becomes FAILED (default 8). An unreachable control plane never gives up. */
  maxAttempts?: number;
  /** Wait before the next attempt: baseMs doubling per attempt, at most maxMs, with jitter (default 2 s … 5 min). */
  backoff?: { baseMs?: number; maxMs?: number };
  /**
   * How long a claimed (SENDING) row is left alone before it counts as abandoned and is sent again (default 5 s). The
   * relay renews the lease every third of it while it works on the row, so a slow answer is not sent twice, and a
   * relay that died is replaced within about this time.
   */
  leaseMs?: number;
  /**
   * The longest Retry-After (or retryAfterSeconds) obeyed (default CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS, 300 s).
   * A longer one holds the command for a person to retry now or abandon.
   */
  maxRetryAfterMs?: number;
  /** Per-request timeout (default: the client's). */
  timeoutMs?: number;
  random?: () => number;
  /**
   * Called inside the transaction that records a final outcome (SUCCEEDED or FAILED), so work that depends on it
   * (e.g. moving a run on to its next step) commits or rolls back with the outcome itself.
   */
  onOutcome?: (tx: Tx, command: { id: string; runId: string | null; stepId: string | null; state: "SUCCEEDED" | "FAILED" }) => Promise<void>;
};

export type DeliverReport = { claimed: number; succeeded: number; retried: number; failed: number; held: number; unrecorded: number };

type Outcome =
  | { kind: "succeeded"; response: ActionResponse }
  | { kind: "retry"; error: string; errorKind: string; status?: number; nextAttemptAt: Date }
  | { kind: "failed"; error: string; errorKind: string; status?: number; problem?: Problem }
  | { kind: "held"; reason: HoldReason; error: string; errorKind: string; status?: number; retryAfterSeconds?: number; echoedKey?: string };

const REPORT_FIELD = { succeeded: "succeeded", retry: "retried", failed: "failed", held: "held" } as const;
const AUDIT_ACTION = { succeeded: "command.succeeded", retry: "command.retry", failed: "command.failed" } as const;

/** The one-line message shown on the step for a held command. */
export function holdMessage(reason: HoldReason, ctx: { retryAfterSeconds?: number; capSeconds?: number; error: string }): string {
  switch (reason) {
    case "retry-after-too-long":
      return `The control plane asked to wait ${ctx.retryAfterSeconds} s (more than the ${ctx.capSeconds} s the relay waits on its own): retry now or abandon. (${ctx.error})`;
    case "key-mismatch":
      return `${ctx.error}. Check the control plane, then retry with the same key or abandon.`;
    case "invalid-response":
      return `${ctx.error}; the action may or may not have been applied. Check the control plane, then retry with the same key or abandon.`;
  }
}

/**
 * One delivery pass: claims due PENDING rows (and SENDING rows whose lease ran out) with FOR UPDATE SKIP LOCKED,
 * marks them SENDING and commits, sends each with its idempotency key, then records each outcome and its audit
 * event in one transaction: SUCCEEDED with the response; PENDING again with a backoff for retryable errors (FAILED
 * after `maxAttempts`); FAILED with the reason for permanent ones (4xx other than 408/409/429, invalid parameters);
 * NEEDS_DECISION for a Retry-After past the cap, an echoed key that differs, or a 2xx that breaks the contract.
 * While it works, a heartbeat renews the lease of the rows it claimed.
 */
export async function deliverDueCommands(opts: DeliverOptions = {}): Promise<DeliverReport> {
  const database = opts.db ?? defaultDb();
  const client = opts.client ?? controlPlaneClient();
  const now = opts.now ?? new Date();
  const limit = Math.max(1, opts.limit ?? 20);
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const leaseMs = Math.max(100, opts.leaseMs ?? DEFAULT_LEASE_MS);
  const capMs = opts.maxRetryAfterMs ?? configuredMaxRetryAfterMs();
  const backoff = { baseMs: opts.backoff?.baseMs ?? 2_000, maxMs: opts.backoff?.maxMs ?? 300_000, random: opts.random };
  const report: DeliverReport = { claimed: 0, succeeded: 0, retried: 0, failed: 0, held: 0, unrecorded: 0 };

  const leaseUntil = new Date(now.getTime() + leaseMs);
  const rows = await claimDueCommands(runnerOf(database), now, leaseUntil, limit);
  report.claimed = rows.length;
  if (rows.length === 0) return report;

  // The heartbeat: while rows of this pass are unrecorded, their lease is renewed (on this pass's clock, moved on by
  // the real time elapsed), guarded by the attempt it claimed, so a newer claim is never extended.
  const open = new Map(rows.map((r) => [r.id, r.attempts]));
  const startedAt = performance.now();
  const renew = async () => {
    if (open.size === 0) return;
    const until = new Date(now.getTime() + (performance.now() - startedAt) + leaseMs);
    try {
      await renewLeases(runnerOf(database), until, [...open].map(([id, attempts]) => ({ id, attempts })));
    } catch (e) {
      log.warn("control-plane relay could not renew its lease", { err: e });
    }
  };
  let renewing: Promise<void> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewing = renewing.then(renew);
  }, Math.max(50, Math.floor(leaseMs / 3)));

  const send = async (row: ClaimedCommand): Promise<Outcome> => {
    if (!isControlPlaneAction(row.action)) return { kind: "failed", error: `Unknown control-plane action "${row.action}"`, errorKind: "refused" };
    try {
      // Stored params are the canonical JSON written by enqueueCommand; act() validates them again before sending.
      const params = row.params as ActionParamsInput<ControlPlaneAction>;
      const response = await client.act(row.action, params, { idempotencyKey: row.idempotencyKey, maxAttempts: 1, timeoutMs: opts.timeoutMs });
      return { kind: "succeeded", response };
    } catch (e) {
      if (e instanceof ActionParamsError) return { kind: "failed", error: e.message, errorKind: "refused" };
      if (!(e instanceof ControlPlaneError)) throw e;
      if (e.kind === "key-mismatch" || e.kind === "invalid-response") {
        return { kind: "held", reason: e.kind, error: holdMessage(e.kind, { error: e.message }), errorKind: e.kind, status: e.status, echoedKey: e.echoedKey };
      }
      if (e.retryable && e.retryAfterMs !== undefined && e.retryAfterMs > capMs) {
        // Stored as a 32-bit integer: a generated or far-future Retry-After must not make the outcome unrecordable.
        const retryAfterSeconds = Math.min(Math.ceil(e.retryAfterMs / 1000), 2_000_000_000);
        const error = holdMessage("retry-after-too-long", { retryAfterSeconds, capSeconds: Math.round(capMs / 1000), error: e.message });
        return { kind: "held", reason: "retry-after-too-long", error, errorKind: e.kind, status: e.status, retryAfterSeconds };
      }
      const giveUp = e.retryable && e.kind !== "unreachable" && row.attempts >= maxAttempts;
      if (!e.retryable || giveUp) {
        return { kind: "failed", error: giveUp ? `Gave up after ${row.attempts} attempts: ${e.message}` : e.message, errorKind: e.kind, status: e.status, problem: e.problem };
      }
      const wait = Math.max(backoffDelayMs(row.attempts, backoff), e.retryAfterMs ?? 0);
      return { kind: "retry", error: e.message, errorKind: e.kind, status: e.status, nextAttemptAt: new Date(now.getTime() + wait) };
    }
  };

  const record = (row: ClaimedCommand, outcome: Outcome) =>
    database.$transaction(async (tx) => {
      const base = { action: row.action, idempotencyKey: row.idempotencyKey, attempts: row.attempts };
      const change: CommandChange =
        outcome.kind === "succeeded"
          ? { state: "SUCCEEDED", response: outcome.response, lastError: null, completedAt: now, updatedAt: now }
          : outcome.kind === "retry"
            ? { state: "PENDING", lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt, updatedAt: now }
            : outcome.kind === "held"
              ? { state: "NEEDS_DECISION", lastError: outcome.error, holdReason: outcome.reason, retryAfterSeconds: outcome.retryAfterSeconds ?? null, updatedAt: now }
              : { state: "FAILED", lastError: outcome.error, response: outcome.problem ?? undefined, completedAt: now, updatedAt: now };
      if (!(await recordAttempt(runnerOf(tx), row, change))) return false;
      const where = { requestHash: row.requestHash, runId: row.runId, stepId: row.stepId };
      const details =
        outcome.kind === "succeeded"
          ? { ...base, ...where, status: outcome.response.status, summary: outcome.response.summary }
          : outcome.kind === "retry"
            ? { ...base, error: outcome.error, errorKind: outcome.errorKind, httpStatus: outcome.status ?? null, nextAttemptAt: outcome.nextAttemptAt.toISOString() }
            : outcome.kind === "held"
              ? {
                  ...base,
                  ...where,
                  reason: outcome.reason,
                  error: outcome.error,
                  errorKind: outcome.errorKind,
                  httpStatus: outcome.status ?? null,
                  ...(outcome.retryAfterSeconds !== undefined ? { retryAfterSeconds: outcome.retryAfterSeconds, maxRetryAfterSeconds: Math.round(capMs / 1000) } : {}),
                  ...(outcome.reason === "key-mismatch" ? { sentKey: row.idempotencyKey, echoedKey: outcome.echoedKey?.slice(0, 255) ?? null } : {}),
                }
              : { ...base, ...where, error: outcome.error, errorKind: outcome.errorKind, httpStatus: outcome.status ?? null };
      await appendAudit(tx, {
        actor: null,
        action: outcome.kind === "held" ? (outcome.reason === "key-mismatch" ? "command.key_mismatch" : "command.held") : AUDIT_ACTION[outcome.kind],
        outcome: outcome.kind === "succeeded" ? "allowed" : "failed",
        target: { type: "command", id: row.id },
        details,
      });
      if ((outcome.kind === "succeeded" || outcome.kind === "failed") && opts.onOutcome) {
        await opts.onOutcome(tx, { id: row.id, runId: row.runId, stepId: row.stepId, state: outcome.kind === "succeeded" ? "SUCCEEDED" : "FAILED" });
      }
      return true;
    });

  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      const outcome = await timedDelivery(() => send(row));
      try {
        if (await record(row, outcome)) report[REPORT_FIELD[outcome.kind]]++;
        else report.unrecorded++;
      } catch (e) {
        // The row stays SENDING; after its lease it is sent again with the same key (the control plane replays).
        report.unrecorded++;
        log.error("control-plane relay could not record an outcome", { commandId: row.id, outcome: outcome.kind, err: e });
      } finally {
        open.delete(row.id);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(rows.length, Math.max(1, opts.concurrency ?? 4)) }, worker));
  } finally {
    clearInterval(heartbeat);
    open.clear();
    await renewing;
  }
  return report;
}

export type HeldDecision = "retry" | "abandon";

export type DecideHeldResult =
  | { ok: true; command: { id: string; action: string; runId: string | null; stepId: string | null; state: "PENDING" | "FAILED"; holdReason: string | null; lastError: string | null; idempotencyKey: string } }
  | { ok: false; code: "NOT_FOUND" | "CONFLICT"; message: string };

/**
 * A person's decision on a held command, inside the caller's transaction (which also writes the audit event and
 * settles what waits on the command when it is abandoned). `retry`: PENDING and due now, with the same idempotency
 * key (a control plane that honours keys answers with the stored result if the first request did run). `abandon`:
 * FAILED with who and why; the step can then be requested again, with a new key. Only a NEEDS_DECISION command can
 * be decided: a second decision on the same hold is a conflict.
 */
export async function decideHeldCommand(tx: Tx, input: { commandId: string; decision: HeldDecision; actor: { id: string; name: string }; reason: string; now?: Date }): Promise<DecideHeldResult> {
  const now = input.now ?? new Date();
  const sql = runnerOf(tx);
  const cmd = await readCommand(sql, input.commandId);
  if (!cmd) return { ok: false, code: "NOT_FOUND", message: "There is no such command." };
  if (cmd.state !== "NEEDS_DECISION") {
    return { ok: false, code: "CONFLICT", message: `This command is no longer waiting for a decision (it is ${cmd.state.toLowerCase().replace("_", " ")}).` };
  }
  const data =
    input.decision === "retry"
      ? { state: "PENDING" as const, nextAttemptAt: now, holdReason: null, retryAfterSeconds: null, lastError: null, updatedAt: now }
      : { state: "FAILED" as const, holdReason: null, retryAfterSeconds: null, lastError: `Abandoned by ${input.actor.name}: ${input.reason}`, completedAt: now, updatedAt: now };
  if (!(await decideHold(sql, cmd, data))) return { ok: false, code: "CONFLICT", message: "Someone else decided on this command at the same moment: reload the page." };
  return {
    ok: true,
    command: { id: cmd.id, action: cmd.action, runId: cmd.runId, stepId: cmd.stepId, state: data.state, holdReason: cmd.holdReason, lastError: cmd.lastError, idempotencyKey: cmd.idempotencyKey },
  };
}

export type RelayOptions = Omit<DeliverOptions, "now"> & {
  /** Pause between passes when nothing is due (default DEFAULT_RELAY_INTERVAL_MS, 500 ms). */
  intervalMs?: number;
  /** Connection for the advisory lock (default DATABASE_URL). */
  databaseUrl?: string;
  onPass?: (report: DeliverReport) => void;
};

/** Stops the relay (awaits the pass in progress and releases the lock). Also tells whether it leads and wakes it. */
export type RelayHandle = LeaderLoopHandle;

/**
 * Starts the delivery loop. Only the process holding the Postgres advisory lock LOCK_IDS.relay delivers (see
 * startLeaderLoop); other replicas keep trying for the lock. Returns the stop function.
 */
export function startRelay(opts: RelayOptions = {}): RelayHandle {
  const limit = Math.max(1, opts.limit ?? 20);
  return startLeaderLoop({
    name: "control-plane relay",
    lockId: LOCK_IDS.relay,
    intervalMs: opts.intervalMs ?? DEFAULT_RELAY_INTERVAL_MS,
    databaseUrl: opts.databaseUrl,
    pass: async () => {
      const report = await deliverDueCommands({ ...opts, now: new Date() });
      opts.onPass?.(report);
      return report.claimed >= limit;
    },
  });
}
