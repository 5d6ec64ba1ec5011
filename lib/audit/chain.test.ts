import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical";
import { ChainVerifier, GENESIS_HASH, hashEvent, headSignatureValid, signHead, type StoredEvent } from "./chain";

function chain(n: number): StoredEvent[] {
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

function verify(events: StoredEvent[]) {
  const v = new ChainVerifier();
  v.push(events);
  return v.result();
}

describe("canonicalJson", () => {
  it("is independent of key order and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

describe("ChainVerifier", () => {
  it("accepts an intact chain and reports its head", () => {
    const events = chain(10);
    expect(verify(events)).toEqual({ ok: true, count: 10, headSeq: 10n, headHash: events[9].hash });
  });

  it("accepts an empty chain", () => {
    expect(verify([])).toEqual({ ok: true, count: 0, headSeq: null, headHash: GENESIS_HASH });
  });

  it("verifies the same chain fed in batches", () => {
    const events = chain(10);
    const v = new ChainVerifier();
    for (let i = 0; i < 10; i += 3) v.push(events.slice(i, i + 3));
    expect(v.result().ok).toBe(true);
  });

  it("names an edited event", () => {
    const events = chain(10);
    events[4] = { ...events[4], details: { i: 999, list: [1, 2] } };
    expect(verify(events)).toMatchObject({ ok: false, seq: 5n, problem: "edited", count: 4 });
  });

  it("names the gap a deleted event leaves", () => {
    const events = chain(10);
    events.splice(3, 1);
    expect(verify(events)).toMatchObject({ ok: false, seq: 5n, problem: "deleted" });
  });

  it("detects two events swapped (with their sequence numbers swapped back)", () => {
    const events = chain(10);
    const a = events[2];
    const b = events[3];
    events[2] = { ...b, seq: 3n };
    events[3] = { ...a, seq: 4n };
    expect(verify(events)).toMatchObject({ ok: false, seq: 3n });
  });

  it("detects a forged event inserted with a recomputed hash", () => {
    const events = chain(5);
    const forged = { ...events[2], details: { forged: true } };
    const fixed = { ...forged, hash: hashEvent(forged) };
    events[2] = fixed;
    // Event 4 still points at the original event 3's hash.
    expect(verify(events)).toMatchObject({ ok: false, seq: 4n });
  });

  it("detects truncation against a signed head", () => {
    const events = chain(10);
    const v = new ChainVerifier();
    v.push(events.slice(0, 8));
    expect(v.result({ seq: 10n, hash: events[9].hash })).toMatchObject({ ok: false, problem: "truncated" });
  });
});

describe("head signatures", () => {
  it("verify with the same key and fail with another key or head", () => {
    const sig = signHead("k".repeat(32), 10n, "ab".repeat(32));
    expect(headSignatureValid("k".repeat(32), 10n, "ab".repeat(32), sig)).toBe(true);
    expect(headSignatureValid("x".repeat(32), 10n, "ab".repeat(32), sig)).toBe(false);
    expect(headSignatureValid("k".repeat(32), 11n, "ab".repeat(32), sig)).toBe(false);
  });
});
