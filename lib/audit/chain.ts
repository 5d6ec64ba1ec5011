import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { canonicalJson } from "./canonical";

export const GENESIS_HASH = "0".repeat(64);

/** The hashed content of one audit event (everything but its own hash). */
export type ChainedEvent = {
  seq: bigint;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  actorRoles: string[];
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  requestId: string | null;
  prevHash: string;
};

export type StoredEvent = ChainedEvent & { hash: string };

/** sha256 over the previous hash and the event's canonical JSON. */
export function hashEvent(e: ChainedEvent): string {
  const body = canonicalJson({
    seq: e.seq.toString(),
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorEmail: e.actorEmail,
    actorRoles: e.actorRoles,
    action: e.action,
    outcome: e.outcome,
    targetType: e.targetType,
    targetId: e.targetId,
    details: e.details ?? null,
    requestId: e.requestId,
  });
  return createHash("sha256").update(e.prevHash).update("\n").update(body).digest("hex");
}

export type ChainProblem = "edited" | "deleted" | "inserted" | "reordered" | "truncated";

export type VerifyResult =
  | { ok: true; count: number; headSeq: bigint | null; headHash: string }
  | { ok: false; count: number; seq: bigint; problem: ChainProblem; detail: string };

/**
 * Checks events in sequence order, carrying state between batches so a chain of any length
 * is verified in constant memory. Create one per verification run.
 */
export class ChainVerifier {
  private expectedSeq = 1n;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private failure: Extract<VerifyResult, { ok: false }> | null = null;

  /** Feeds the next events (ascending seq). Returns false once a problem was found. */
  push(events: StoredEvent[]): boolean {
    if (this.failure) return false;
    for (const e of events) {
      const problem = this.check(e);
      if (problem) {
        this.failure = { ok: false, count: this.count, seq: e.seq, ...problem };
        return false;
      }
      this.prevHash = e.hash;
      this.expectedSeq = e.seq + 1n;
      this.count++;
    }
    return true;
  }

  private check(e: StoredEvent): { problem: ChainProblem; detail: string } | null {
    if (e.seq > this.expectedSeq) {
      return { problem: "deleted", detail: `event ${this.expectedSeq}${e.seq - this.expectedSeq > 1n ? `–${e.seq - 1n}` : ""} is missing before event ${e.seq}` };
    }
    if (e.seq < this.expectedSeq) {
      return { problem: "inserted", detail: `event ${e.seq} repeats a sequence number already used` };
    }
    const recomputed = hashEvent(e);
    if (e.prevHash !== this.prevHash) {
      // An event whose own content is intact but that points elsewhere was moved or slipped in.
      return recomputed === e.hash
        ? { problem: "reordered", detail: `event ${e.seq} does not follow the event before it (its previous-hash does not match)` }
        : { problem: "inserted", detail: `event ${e.seq} was not written after the event before it (previous-hash and content hash both disagree)` };
    }
    if (recomputed !== e.hash) {
      return { problem: "edited", detail: `event ${e.seq}'s content no longer matches its hash` };
    }
    return null;
  }

  /** Result after all events were pushed; `expectedHead` catches truncation against an exported head. */
  result(expectedHead?: { seq: bigint; hash: string }): VerifyResult {
    if (this.failure) return this.failure;
    const headSeq = this.expectedSeq - 1n;
    if (expectedHead && headSeq < expectedHead.seq) {
      return { ok: false, count: this.count, seq: expectedHead.seq, problem: "truncated", detail: `the log ends at event ${headSeq} but a signed head recorded event ${expectedHead.seq}` };
    }
    return { ok: true, count: this.count, headSeq: headSeq === 0n ? null : headSeq, headHash: this.prevHash };
  }
}

/** HMAC of a chain head, so an exported head cannot be forged without the key. */
export function signHead(key: string, seq: bigint, hash: string): string {
  return createHmac("sha256", key).update(`${seq}:${hash}`).digest("hex");
}

export function headSignatureValid(key: string, seq: bigint, hash: string, hmac: string): boolean {
  const expected = Buffer.from(signHead(key, seq, hash), "hex");
  const given = Buffer.from(hmac, "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
