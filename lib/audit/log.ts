import type { Db, Tx } from "../db";
import { ChainVerifier, GENESIS_HASH, hashEvent, type StoredEvent, type VerifyResult } from "./chain";
import type { Actor } from "../auth/roles";

/** One lock id for the whole audit chain: appends take it for the rest of their transaction. */
const AUDIT_CHAIN_LOCK = 7_231_001;

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

/** Walks the whole chain in sequence order, in batches, and names the first bad event. */
export async function verifyChain(client: Db, opts: { batchSize?: number } = {}): Promise<VerifyResult> {
  const batchSize = opts.batchSize ?? 5_000;
  const verifier = new ChainVerifier();
  let after = 0n;
  for (;;) {
    const rows = await client.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: batchSize });
    if (rows.length === 0) break;
    const events: StoredEvent[] = rows.map((r) => ({ ...r, details: r.details }));
    if (!verifier.push(events)) break;
    after = rows[rows.length - 1].seq;
    if (rows.length < batchSize) break;
  }
  return verifier.result();
}
