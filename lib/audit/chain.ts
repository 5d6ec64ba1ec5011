import { createHmac, hash as digest, timingSafeEqual } from "node:crypto";
import { core } from "./hash-core";

export const GENESIS_HASH = "0".repeat(64);

/**
 * The hashed content of one audit event (everything but its own hash): the fields eventBody hashes (seq, at, actorId,
 * actorEmail, actorRoles, action, outcome, targetType, targetId, details, requestId), seq as stored, and prevHash.
 */
export type ChainedEvent = Omit<Parameters<typeof core.eventBody>[0], "seq"> & { seq: bigint; prevHash: string };

export type StoredEvent = ChainedEvent & { hash: string };

/**
 * The canonical JSON of an event's hashed fields: canonicalJson of
 * `{ seq (as a string), at (ISO), actorId, actorEmail, actorRoles, action, outcome, targetType, targetId, details, requestId }`.
 */
export const eventBody: (e: ChainedEvent) => string = core.eventBody;

/** sha256 over the previous hash and the event's canonical JSON. */
export function hashEvent(e: ChainedEvent): string {
  return digest("sha256", e.prevHash + "\n" + eventBody(e), "hex");
}

/**
 * What is wrong at the first bad event:
 * - `edited`: an event's content (or its hash, or its previous-hash) no longer matches what was written — including an
 *   event rewritten with a recomputed hash, which shows at the event after it, and a self-consistent rewrite that
 *   differs from a signed head.
 * - `deleted`: events are missing (a gap in the sequence numbers, or later events renumbered to close it).
 * - `inserted`: an event that was never written into the chain at this place (a repeated sequence number, an event
 *   squeezed in before the real successor, or a replay or fork of an earlier event).
 * - `reordered`: events that were all written, in another order.
 * - `truncated`: the log ends before a signed head.
 */
export type ChainProblem = "edited" | "deleted" | "inserted" | "reordered" | "truncated";

export type VerifyFailure = {
  ok: false;
  /** Events verified before the first bad one. */
  count: number;
  /** The first event where verification fails (for a gap, the first event after it; for truncation, the head's). */
  seq: bigint;
  problem: ChainProblem;
  detail: string;
  /** The sequence numbers the problem concerns, where they can be told (e.g. the missing ones, the rewritten one). */
  range?: { from: bigint; to: bigint };
};

export type VerifyResult = { ok: true; count: number; headSeq: bigint | null; headHash: string } | VerifyFailure;

/** A known point of the chain (a signed head): the event at `seq` must have this hash, and the log must reach it. */
export type ChainAnchor = { seq: bigint; hash: string; label?: string };

export type ChainVerifierOptions = {
  /** Verify from a known point instead of the genesis (the event at `seq` itself is not re-checked; `prevHash` is its previous hash). */
  start?: { seq: bigint; hash: string; prevHash?: string | null };
  /** Verified events just before `start` (ascending), remembered to recognise replays and forks. */
  recent?: { seq: bigint; hash: string }[];
  /** Signed heads to check on the way (any order). */
  anchors?: ChainAnchor[];
  /** Events read after a break to tell what happened (default 1024). */
  lookahead?: number;
  /** Hashes of verified events remembered to recognise replays and forks (default 4096). */
  lookback?: number;
};

const range = (from: bigint, to: bigint) => ({ from, to });
const plural = (n: bigint, one: string, many: string) => (n === 1n ? one : many);
const span = (from: bigint, to: bigint) => (from === to ? `event ${from}` : `events ${from}–${to}`);

/**
 * Checks events in sequence order, carrying state between batches so a chain of any length is verified in constant
 * memory. Create one per verification run.
 *
 * The first event that fails (wrong sequence number, previous-hash or own hash) starts a diagnosis: the verifier keeps
 * reading up to `lookahead` more events and compares the links (`prevHash` → `hash`) with the sequence order to say
 * whether events were edited, deleted, inserted or reordered, and which.
 */
export class ChainVerifier {
  private expectedSeq: bigint;
  private prevHash: string;
  /** The previous-hash of the last verified event (so a second event claiming the same predecessor is recognised). */
  private lastPrev: string | null = null;
  private count = 0;
  private readonly anchors: ChainAnchor[];
  private anchorAt = 0;
  private readonly lookahead: number;
  private readonly backHashes: string[];
  private readonly backSeqs: bigint[];
  private backPos = 0;
  private pending: { e: StoredEvent; window: StoredEvent[]; anchor?: ChainAnchor; since?: bigint } | null = null;
  private failure: VerifyFailure | null = null;

  constructor(opts: ChainVerifierOptions = {}) {
    this.expectedSeq = (opts.start?.seq ?? 0n) + 1n;
    this.prevHash = opts.start?.hash ?? GENESIS_HASH;
    this.anchors = [...(opts.anchors ?? [])].filter((a) => a.seq >= this.expectedSeq).sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    this.lookahead = Math.max(1, opts.lookahead ?? 1024);
    const lookback = Math.max(1, opts.lookback ?? 4096);
    this.backHashes = new Array<string>(lookback).fill("");
    this.backSeqs = new Array<bigint>(lookback).fill(-1n);
    for (const r of opts.recent ?? []) this.remember(r.seq, r.hash);
    this.remember(this.expectedSeq - 1n, this.prevHash);
    this.lastPrev = opts.start?.prevHash ?? null;
  }

  /** Feeds the next events (ascending seq). Returns false once the result is settled (a problem was found and diagnosed). */
  push(events: readonly StoredEvent[]): boolean {
    if (this.failure) return false;
    for (const e of events) {
      if (this.pending) {
        this.pending.window.push(e);
        if (this.pending.window.length >= this.lookahead) {
          this.settle();
          return false;
        }
        continue;
      }
      if (e.seq !== this.expectedSeq || e.prevHash !== this.prevHash || hashEvent(e) !== e.hash) {
        this.pending = { e, window: [] };
        continue;
      }
      // Every head that names this event is checked: one that matches must not hide another that does not.
      const group = this.anchorAt;
      let mismatch: ChainAnchor | undefined;
      while (this.anchors[this.anchorAt]?.seq === e.seq) {
        const anchor = this.anchors[this.anchorAt++];
        if (anchor.hash !== e.hash) mismatch ??= anchor;
      }
      if (mismatch) {
        // The event links up but is not the one a head recorded: diagnose with what follows.
        this.pending = { e, window: [], anchor: mismatch, since: group > 0 ? this.anchors[group - 1].seq + 1n : 1n };
        continue;
      }
      this.lastPrev = e.prevHash;
      this.prevHash = e.hash;
      this.expectedSeq = e.seq + 1n;
      this.count++;
      this.remember(e.seq, e.hash);
    }
    return true;
  }

  /** Result after all events were pushed; `expectedHead` catches truncation against an exported head. */
  result(expectedHead?: { seq: bigint; hash: string }): VerifyResult {
    if (this.pending) this.settle();
    if (this.failure) return this.failure;
    const headSeq = this.expectedSeq - 1n;
    const missing = [...this.anchors.slice(this.anchorAt), ...(expectedHead ? [{ ...expectedHead, label: undefined }] : [])].filter((a) => a.seq > headSeq);
    if (missing.length) {
      const first = missing.reduce((a, b) => (b.seq < a.seq ? b : a));
      return {
        ok: false,
        count: this.count,
        seq: first.seq,
        problem: "truncated",
        detail: `the log ends at event ${headSeq} but ${first.label ?? "a signed head"} recorded event ${first.seq}`,
        range: range(headSeq + 1n, first.seq),
      };
    }
    if (expectedHead && expectedHead.seq === headSeq && expectedHead.hash !== this.prevHash) {
      return { ok: false, count: this.count, seq: headSeq, problem: "edited", detail: `event ${headSeq} is not the event the signed head recorded: the log was rewritten and its hashes recomputed`, range: range(1n, headSeq) };
    }
    return { ok: true, count: this.count, headSeq: headSeq === 0n ? null : headSeq, headHash: this.prevHash };
  }

  private remember(seq: bigint, hash: string) {
    this.backHashes[this.backPos] = hash;
    this.backSeqs[this.backPos] = seq;
    this.backPos = (this.backPos + 1) % this.backHashes.length;
  }

  private lookBack(hash: string): bigint | undefined {
    const i = this.backHashes.indexOf(hash);
    return i >= 0 ? this.backSeqs[i] : undefined;
  }

  private settle() {
    const { e, window, anchor, since } = this.pending!;
    this.pending = null;
    this.failure = { ok: false, count: this.count, ...(anchor ? this.diagnoseAnchor(e, window, anchor, since ?? 1n) : this.diagnose(e, window)) };
  }

  /** An event that links up with the chain but is not the one a signed head recorded at its seq. */
  private diagnoseAnchor(e: StoredEvent, window: StoredEvent[], anchor: ChainAnchor, since: bigint): Omit<VerifyFailure, "ok" | "count"> {
    const label = anchor.label ?? "a signed head";
    const moved = window.find((w) => w.hash === anchor.hash);
    if (moved) {
      return { seq: e.seq, problem: "inserted", detail: `the event ${label} recorded as event ${e.seq} now sits at ${moved.seq}: ${span(e.seq, moved.seq - 1n)} ${plural(moved.seq - e.seq, "was", "were")} inserted before it`, range: range(e.seq, moved.seq - 1n) };
    }
    return { seq: e.seq, problem: "edited", detail: `event ${e.seq} is not the event ${label} recorded: the log was rewritten at or before event ${e.seq} and its hashes recomputed`, range: range(since, e.seq) };
  }

  private diagnose(e: StoredEvent, window: StoredEvent[]): Omit<VerifyFailure, "ok" | "count"> & { count?: number } {
    const s = this.expectedSeq;
    const p = this.prevHash;
    const next = window[0];

    if (e.seq > s) {
      const moved = window.find((w) => w.hash === e.prevHash);
      if (moved) {
        return { seq: e.seq, problem: "reordered", detail: `event ${e.seq} was written after the event that now sits at ${moved.seq}: events were moved out of order (nothing is left at ${span(s, e.seq - 1n)})`, range: range(s, moved.seq) };
      }
      const n = e.seq - s;
      return { seq: e.seq, problem: "deleted", detail: `${span(s, e.seq - 1n)} ${plural(n, "is", "are")} missing before event ${e.seq}`, range: range(s, e.seq - 1n) };
    }

    if (e.seq < s) {
      // Two rows carry the same sequence number: the real one is the one the rest of the chain follows.
      const earlierIsIntruder = next !== undefined && next.prevHash === e.hash;
      return earlierIsIntruder
        ? { seq: e.seq, count: this.count - 1, problem: "inserted", detail: `two events carry sequence number ${e.seq} and the chain continues from the second: the first (hash ${this.prevHash.slice(0, 12)}…) was inserted`, range: range(e.seq, e.seq) }
        : { seq: e.seq, problem: "inserted", detail: `event ${e.seq} repeats a sequence number already used (hash ${e.hash.slice(0, 12)}…): it was inserted`, range: range(e.seq, e.seq) };
    }

    if (e.prevHash === p) {
      return { seq: s, problem: "edited", detail: `event ${s}'s content no longer matches its hash`, range: range(s, s) };
    }

    if (this.lastPrev !== null && e.prevHash === this.lastPrev) {
      // Event s and the event before it both claim the same predecessor.
      if (next !== undefined && next.prevHash === e.hash) {
        return { seq: s - 1n, count: this.count - 1, problem: "inserted", detail: `event ${s - 1n} was inserted: event ${s} was written right after event ${s - 2n} and the rest of the chain follows it (later events were renumbered)`, range: range(s - 1n, s - 1n) };
      }
      return { seq: s, problem: "inserted", detail: `event ${s} claims to follow event ${s - 2n}, which event ${s - 1n} already follows: it was inserted`, range: range(s, s) };
    }

    const ahead = window.find((w) => w.hash === e.prevHash);
    if (ahead) {
      return { seq: s, problem: "reordered", detail: `event ${s} was written after the event now at ${ahead.seq}: events were moved out of order`, range: range(s, ahead.seq) };
    }

    const successor = window.find((w) => w.prevHash === p);
    if (successor) {
      return { seq: s, problem: "inserted", detail: `event ${s} does not follow event ${s - 1n}, but event ${successor.seq} does: ${span(s, successor.seq - 1n)} ${plural(successor.seq - s, "was", "were")} inserted`, range: range(s, successor.seq - 1n) };
    }

    const forkedFrom = this.lookBack(e.prevHash);
    if (forkedFrom !== undefined) {
      return { seq: s, problem: "inserted", detail: `event ${s} claims to follow event ${forkedFrom}, which already has a successor: it is a replay or a fork, inserted here`, range: range(s, s) };
    }

    if (hashEvent(e) === e.hash) {
      return { seq: s, problem: "edited", detail: `event ${s - 1n} was rewritten and its hash recomputed: event ${s} records a different hash for it`, range: range(s - 1n, s - 1n) };
    }

    for (let d = 1n; d <= 16n; d++) {
      if (hashEvent({ ...e, seq: e.seq + d }) === e.hash) {
        return { seq: s, problem: "deleted", detail: `event ${s} was written as event ${s + d}: ${span(s, s + d - 1n)} ${plural(d, "was", "were")} deleted and later events renumbered to hide the gap`, range: range(s, s + d - 1n) };
      }
    }

    return { seq: s, problem: "edited", detail: `event ${s}'s previous-hash and content no longer match what was written`, range: range(s, s) };
  }
}

/** HMAC of a chain head, so an exported head cannot be forged without the key. */
export function signHead(key: string, seq: bigint, hash: string): string {
  return createHmac("sha256", key).update(`${seq}:${hash}`).digest("hex");
}

export function headSignatureValid(key: string, seq: bigint, hash: string, hmac: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hmac)) return false;
  const expected = Buffer.from(signHead(key, seq, hash), "hex");
  const given = Buffer.from(hmac, "hex");
  return expected.length === given.length && timingSafeEqual(expected, given);
}
