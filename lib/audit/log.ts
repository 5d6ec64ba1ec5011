import type { Db, Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { query, runnerOf, type SqlRunner } from "../sql";
import { core } from "./hash-core";
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainAnchor, type StoredEvent, type VerifyResult } from "./chain";
import { scanEvents } from "./source";
import { fastScan } from "./parallel";
import { log } from "../log";
import { countAuditAppended, recordChainVerification } from "../metrics/record";
import { storable } from "../validation/storable";
import type { Actor } from "../auth/roles";

export type AuditInput = {
  actor: Pick<Actor, "id" | "email" | "roles"> | null;
  action: string;
  outcome?: "allowed" | "refused" | "failed";
  target?: { type: string; id: string } | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
};

/** Stands in for the sequence number while the body is built; JSON text cannot contain it unescaped. */
const SEQ_MARK = "\u0001seq\u0001";

/**
 * Appends an event to the hash chain inside the caller's transaction, in one round trip: the SQL function
 * `audit_append` (migration 20261128140000) takes the chain's transaction-scoped advisory lock (id 7_231_001), reads the head and
 * inserts the event with its hash, so concurrent writers never fork the chain and the lock is held only for that
 * statement and the commit. If the transaction rolls back, so does the event. Call it last in a transaction.
 *
 * The canonical body is built here (the one definition in hash-core.ts) with the sequence number left out; the
 * database puts it in and hashes. The returned hash is checked against the same computation in JavaScript, so an
 * event whose hash the verifier would not reproduce is never committed.
 */
export async function appendAudit(client: Tx | SqlRunner, input: AuditInput): Promise<StoredEvent> {
  const fields = {
    at: new Date(),
    actorId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    actorRoles: [...(input.actor?.roles ?? [])],
    action: input.action,
    outcome: input.outcome ?? "allowed",
    targetType: input.target?.type ?? null,
    targetId: input.target?.id ?? null,
    details: storable(JSON.parse(JSON.stringify(input.details ?? {}))) as Record<string, unknown>,
    requestId: input.requestId ?? null,
  };
  const body = core.eventBody({ ...fields, seq: SEQ_MARK });
  const cut = body.lastIndexOf(SEQ_MARK);
  const [row] = await query<{ seq: string; prevHash: string; hash: string }>(
    runnerOf(client),
    Prisma.sql`SELECT o_seq::text AS "seq", o_prev_hash AS "prevHash", o_hash AS "hash" FROM audit_append(${fields.at}, ${fields.actorId}::uuid, ${fields.actorEmail},
      ${fields.actorRoles}::text[], ${fields.action}, ${fields.outcome}, ${fields.targetType}, ${fields.targetId}, ${JSON.stringify(fields.details)}::jsonb,
      ${fields.requestId}, ${body.slice(0, cut)}, ${body.slice(cut + SEQ_MARK.length)})`,
  );
  const stored: StoredEvent = { ...fields, seq: BigInt(row.seq), prevHash: row.prevHash, hash: row.hash };
  if (hashEvent(stored) !== stored.hash) throw new Error(`audit_append hashed event ${stored.seq} differently from the verifier; the change is rolled back.`);
  countAuditAppended();
  return stored;
}

export type VerifyChainOptions = {
  /** Rows read per query (default 5,000); on the parallel path, rows a worker batch holds at most (default: 1 MiB of rows). */
  batchSize?: number;
  /** Signed heads the chain must match (and reach). */
  anchors?: ChainAnchor[];
  /** Start after a known point instead of the genesis. */
  start?: { seq: bigint; hash: string };
  /** Stop after this event (e.g. a snapshot's head). */
  through?: bigint;
  /** Events read after a break to tell what happened (default 1024). */
  lookahead?: number;
  /**
   * Read with binary COPY and hash in worker threads (lib/audit/parallel.ts): `true` always, `false` never, by default
   * when there are at least parallelMinEvents() events to check — where the client can COPY (a Prisma client from
   * createDb, a `pg` Client or Pool; not a Prisma transaction). Any problem is diagnosed by the sequential verifier
   * either way.
   */
  parallel?: boolean;
  workers?: number;
  /** On the parallel path: sequence numbers a COPY range covers, and connections reading ranges at once (see fastScan). */
  rangeSize?: number;
  connections?: number;
  /** Told which path did the work: worker threads all the way, or (also) the sequential verifier. */
  onPath?: (path: "parallel" | "sequential") => void;
};

/**
 * Below this many events the sequential verifier is as quick as starting worker threads
 * (AUDIT_VERIFY_PARALLEL_MIN_EVENTS overrides it, e.g. 0 to exercise the worker path in a small test log).
 */
export function parallelMinEvents(): bigint {
  const v = process.env.AUDIT_VERIFY_PARALLEL_MIN_EVENTS;
  return v && /^\d{1,12}$/.test(v) ? BigInt(v) : 100_000n;
}

/**
 * Walks the whole chain in sequence order, in batches, in constant memory, and names the first bad event (see
 * ChainVerifier for what it tells apart). Accepts the Prisma client, a transaction, or any SqlRunner. Long chains
 * are hashed in parallel worker threads until everything checks out or something does not; from the last good
 * batch on, the sequential verifier reads and diagnoses.
 */
export async function verifyChain(client: Db | Tx | SqlRunner, opts: VerifyChainOptions = {}): Promise<VerifyResult> {
  const run = runnerOf(client);
  const origin = opts.start ?? { seq: 0n, hash: GENESIS_HASH };
  let resume: { seq: bigint; hash: string; prevHash: string | null } | null = null;
  let offset = 0;
  if (opts.parallel !== false && run.copy) {
    const [row] = await run<{ max: string | null }>(`SELECT max(seq)::text AS max FROM audit_event`, []);
    const end = opts.through ?? BigInt(row?.max ?? 0);
    if (opts.parallel === true || end - origin.seq >= parallelMinEvents()) {
      try {
        const anchors = new Map((opts.anchors ?? []).filter((a) => a.seq > origin.seq).map((a) => [a.seq.toString(), a.hash]));
        const fast = await fastScan(run.copy, { start: origin, anchors, through: opts.through, end: BigInt(row?.max ?? 0), batchSize: opts.batchSize, rangeSize: opts.rangeSize, connections: opts.connections, workers: opts.workers });
        const beyond = [...anchors.keys()].some((s) => BigInt(s) > fast.boundary.seq);
        if (fast.complete && !beyond) {
          opts.onPath?.("parallel");
          const verified: VerifyResult = { ok: true, count: fast.count, headSeq: fast.boundary.seq === 0n ? null : fast.boundary.seq, headHash: fast.boundary.hash };
          recordChainVerification(verified);
          return verified;
        }
        if (fast.count > 0) {
          resume = fast.boundary;
          offset = fast.count;
        }
      } catch (e) {
        log.warn("audit.verify.parallel_failed", { err: e });
      }
    }
  }

  opts.onPath?.("sequential");
  let verifier: ChainVerifier;
  let batches: AsyncGenerator<StoredEvent[]>;
  if (resume) {
    // What a verifier that had walked from the origin would remember: the origin itself and the events since.
    const recent = await run<{ seq: string; hash: string }>(`SELECT seq::text AS seq, hash FROM audit_event WHERE seq <= $1::bigint AND seq > $2::bigint ORDER BY seq DESC LIMIT 4096`, [resume.seq.toString(), origin.seq.toString()]);
    const remembered = recent.reverse().map((r) => ({ seq: BigInt(r.seq), hash: r.hash }));
    if (remembered.length < 4096) remembered.unshift(origin);
    verifier = new ChainVerifier({ anchors: opts.anchors, start: resume, lookahead: opts.lookahead, recent: remembered });
    batches = scanEvents(run, { after: resume, through: opts.through, batchSize: opts.batchSize });
  } else {
    verifier = new ChainVerifier({ anchors: opts.anchors, start: opts.start, lookahead: opts.lookahead });
    // From the very lowest sequence number, not 1: a row slipped in below the first event must be seen too.
    batches = scanEvents(run, opts.start ? { after: opts.start, through: opts.through, batchSize: opts.batchSize } : { from: -(2n ** 63n), through: opts.through, batchSize: opts.batchSize });
  }
  for await (const batch of batches) {
    if (!verifier.push(batch)) break;
  }
  const result = verifier.result();
  recordChainVerification(result);
  return offset ? { ...result, count: result.count + offset } : result;
}
