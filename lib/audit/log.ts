import type { Db, Tx } from "../db";
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainAnchor, type StoredEvent, type VerifyResult } from "./chain";
import { isSqlRunner, prismaRunner, scanEvents, type SqlRunner } from "./source";
import type { Actor } from "../auth/roles";

/** One lock id for the whole audit chain: appends take it for the rest of their transaction. */
export const AUDIT_CHAIN_LOCK = 7_231_001;

export type AuditInput = {
  actor: Pick<Actor, "id" | "email" | "roles"> | null;
  action: string;
  outcome?: "allowed" | "refused" | "failed";
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
};

/**
 * Appends an event to the hash chain inside the caller's transaction. Appends are serialised by a
 * transaction-scoped advisory lock, so concurrent writers never fork the chain; if the transaction rolls back,
 * so does the event. Call it last in a transaction to hold the lock briefly.
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<StoredEvent> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
  const event = {
    seq: (last?.seq ?? 0n) + 1n,
    at: new Date(),
    actorId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    actorRoles: [...(input.actor?.roles ?? [])],
    action: input.action,
    outcome: input.outcome ?? "allowed",
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    details: JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>,
    requestId: input.requestId ?? null,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const stored = { ...event, hash: hashEvent(event) };
  await tx.auditEvent.create({ data: { ...stored, details: stored.details as object } });
  return stored;
}

export type VerifyChainOptions = {
  /** Rows read per query (default 5,000). */
  batchSize?: number;
  /** Signed heads the chain must match (and reach). */
  anchors?: ChainAnchor[];
  /** Start after a known point instead of the genesis. */
  start?: { seq: bigint; hash: string };
  /** Stop after this event (e.g. a snapshot's head). */
  through?: bigint;
  /** Events read after a break to tell what happened (default 1024). */
  lookahead?: number;
};

/**
 * Walks the whole chain in sequence order, in batches, in constant memory, and names the first bad event (see
 * ChainVerifier for what it tells apart). Accepts the Prisma client, a transaction, or any SqlRunner.
 */
export async function verifyChain(client: Db | Tx | SqlRunner, opts: VerifyChainOptions = {}): Promise<VerifyResult> {
  const run = isSqlRunner(client) ? client : prismaRunner(client);
  const verifier = new ChainVerifier({ anchors: opts.anchors, start: opts.start, lookahead: opts.lookahead });
  // From the very lowest sequence number, not 1: a row slipped in below the first event must be seen too.
  const from = opts.start ? opts.start.seq + 1n : -(2n ** 63n);
  for await (const batch of scanEvents(run, { from, through: opts.through, batchSize: opts.batchSize })) {
    if (!verifier.push(batch)) break;
  }
  return verifier.result();
}
