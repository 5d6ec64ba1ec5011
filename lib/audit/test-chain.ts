/** Audit chains for the unit tests of the chain verifier (chain.test.ts, chain-heads.test.ts). */
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainVerifierOptions, type StoredEvent } from "./chain";

/** An intact chain of `n` events, each linked to the one before by its hash. */
export function chain(n: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = {
      seq: BigInt(i),
      at: new Date(Date.UTC(2026, 10, 28, 1, 0, i)),
      actorId: null,
      actorEmail: "sre@ops.example",
      actorRoles: ["SRE"],
      action: "test.event",
      outcome: "allowed",
      targetType: "run",
      targetId: `r${i}`,
      details: { i, list: [1, 2] },
      requestId: null,
      prevHash: prev,
    };
    const stored = { ...e, hash: hashEvent(e) };
    out.push(stored);
    prev = stored.hash;
  }
  return out;
}

/** The verdict on `events`, read in one batch. */
export function verify(events: StoredEvent[], opts?: ChainVerifierOptions) {
  const v = new ChainVerifier(opts);
  v.push(events);
  return v.result();
}

/** `events` with their sequence numbers moved by `by` (the stored hashes kept, as a renumbering UPDATE would leave them). */
export const renumber = (events: StoredEvent[], by: bigint) => events.map((e) => ({ ...e, seq: e.seq + by }));

/** Re-hashes an event as a forger who knows the algorithm would. */
export const rehash = (e: StoredEvent): StoredEvent => ({ ...e, hash: hashEvent(e) });


/** The full verdict on a broken chain, to compare with `toEqual`. */
export const broken = (count: number, seq: bigint, problem: string, detail: string, from: bigint, to: bigint) => ({ ok: false, count, seq, problem, detail, range: { from, to } });
