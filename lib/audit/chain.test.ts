import { describe, expect, it } from "vitest";
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

/** Re-hashes an event as a forger who knows the algorithm would. */
const rehash = (e: StoredEvent): StoredEvent => ({ ...e, hash: hashEvent(e) });

describe("ChainVerifier diagnosis", () => {
  it("names an event whose hash field was replaced", () => {
    const events = chain(10);
    events[6] = { ...events[6], hash: "f".repeat(64) };
    expect(verify(events)).toMatchObject({ ok: false, seq: 7n, problem: "edited", count: 6 });
  });

  it("names an event whose previous-hash field was replaced", () => {
    const events = chain(10);
    events[6] = { ...events[6], prevHash: "e".repeat(64) };
    expect(verify(events)).toMatchObject({ ok: false, seq: 7n, problem: "edited" });
  });

  it("says which event was rewritten with a recomputed hash", () => {
    const events = chain(10);
    events[4] = rehash({ ...events[4], details: { i: 5, list: [1, 2], approved: true } });
    expect(verify(events)).toMatchObject({ ok: false, seq: 6n, problem: "edited", range: { from: 5n, to: 5n } });
  });

  it("recognises a deletion hidden by renumbering the later events", () => {
    const events = chain(10);
    events.splice(3, 1);
    for (let i = 3; i < events.length; i++) events[i] = { ...events[i], seq: events[i].seq - 1n };
    expect(verify(events)).toMatchObject({ ok: false, seq: 4n, problem: "deleted", range: { from: 4n, to: 4n } });
  });

  it("names a forged event inserted with a correct link when the later events were renumbered", () => {
    const events = chain(10);
    const forged = rehash({ ...events[3], details: { forged: true }, prevHash: events[2].hash });
    events.splice(3, 0, forged);
    for (let i = 4; i < events.length; i++) events[i] = { ...events[i], seq: events[i].seq + 1n };
    expect(verify(events)).toMatchObject({ ok: false, seq: 4n, problem: "inserted", count: 3 });
  });

  it("names a forged event squeezed in with a broken link", () => {
    const events = chain(10);
    const forged = rehash({ ...events[3], details: { forged: true }, prevHash: "c".repeat(64) });
    events.splice(3, 0, forged);
    for (let i = 4; i < events.length; i++) events[i] = { ...events[i], seq: events[i].seq + 1n };
    expect(verify(events)).toMatchObject({ ok: false, seq: 4n, problem: "inserted" });
  });

  it("names an event that repeats a sequence number, whichever of the two is read first", () => {
    const events = chain(10);
    const forged = rehash({ ...events[3], details: { forged: true } });
    expect(verify([...events.slice(0, 3), forged, ...events.slice(3)])).toMatchObject({ ok: false, seq: 4n, problem: "inserted", count: 3 });
    expect(verify([...events.slice(0, 4), forged, ...events.slice(4)])).toMatchObject({ ok: false, seq: 4n, problem: "inserted", count: 4 });
  });

  it("names a replay of an old event appended at the end", () => {
    const events = chain(10);
    events.push(rehash({ ...events[2], seq: 11n }));
    expect(verify(events)).toMatchObject({ ok: false, seq: 11n, problem: "inserted", count: 10 });
  });

  it("calls two distant events swapped a reorder and names the first position", () => {
    const events = chain(20);
    const a = events[4];
    const b = events[14];
    events[4] = { ...b, seq: 5n };
    events[14] = { ...a, seq: 15n };
    expect(verify(events)).toMatchObject({ ok: false, seq: 5n, problem: "reordered" });
  });

  it("calls an event moved to the end a reorder, not a deletion", () => {
    const events = chain(10);
    const [moved] = events.splice(3, 1);
    events.push({ ...moved, seq: 11n });
    expect(verify(events)).toMatchObject({ ok: false, seq: 5n, problem: "reordered" });
  });

  it("keeps reading past a break, across batches, before it settles the diagnosis", () => {
    const events = chain(30);
    const a = events[2];
    const b = events[25];
    events[2] = { ...b, seq: 3n };
    events[25] = { ...a, seq: 26n };
    const v = new ChainVerifier();
    const accepted: boolean[] = [];
    for (let i = 0; i < 30; i += 4) accepted.push(v.push(events.slice(i, i + 4)));
    expect(accepted.every(Boolean)).toBe(true);
    expect(v.result()).toMatchObject({ ok: false, seq: 3n, problem: "reordered" });
  });

  it("stops asking for events once the look-ahead is full", () => {
    const events = chain(30);
    events[2] = { ...events[2], details: { i: 0 } };
    const v = new ChainVerifier({ lookahead: 5 });
    expect(v.push(events.slice(0, 5))).toBe(true);
    expect(v.push(events.slice(5, 10))).toBe(false);
    expect(v.result()).toMatchObject({ ok: false, seq: 3n, problem: "edited" });
  });
});

describe("ChainVerifier with signed heads", () => {
  it("accepts a chain that only grew since its heads", () => {
    const events = chain(10);
    const v = new ChainVerifier({ anchors: [{ seq: 4n, hash: events[3].hash }, { seq: 8n, hash: events[7].hash }] });
    v.push(events);
    expect(v.result()).toMatchObject({ ok: true, count: 10, headSeq: 10n });
  });

  it("catches a chain rewritten and re-hashed from an event on, which alone verifies", () => {
    const original = chain(10);
    const rewritten = original.slice(0, 5);
    for (const e of original.slice(5)) {
      const prev = rewritten[rewritten.length - 1].hash;
      rewritten.push(rehash({ ...e, prevHash: prev, details: e.seq === 6n ? { rewritten: true } : e.details }));
    }
    expect(verify(rewritten).ok).toBe(true);
    const v = new ChainVerifier({ anchors: [{ seq: 4n, hash: original[3].hash }, { seq: 9n, hash: original[8].hash, label: "head #2" }] });
    v.push(rewritten);
    expect(v.result()).toMatchObject({ ok: false, seq: 9n, problem: "edited", range: { from: 5n, to: 9n } });
    expect((v.result() as { detail: string }).detail).toContain("head #2");
  });

  it("reports truncation below a head", () => {
    const events = chain(10);
    const v = new ChainVerifier({ anchors: [{ seq: 9n, hash: events[8].hash }] });
    v.push(events.slice(0, 7));
    expect(v.result()).toMatchObject({ ok: false, seq: 9n, problem: "truncated", range: { from: 8n, to: 9n } });
  });

  it("verifies only what follows a known point", () => {
    const events = chain(10);
    const v = new ChainVerifier({ start: { seq: 6n, hash: events[5].hash } });
    v.push(events.slice(6));
    expect(v.result()).toEqual({ ok: true, count: 4, headSeq: 10n, headHash: events[9].hash });
    const w = new ChainVerifier({ start: { seq: 6n, hash: "0".repeat(63) + "1" } });
    w.push(events.slice(6));
    expect(w.result()).toMatchObject({ ok: false, seq: 7n });
  });
});

describe("head signatures", () => {
  it("verify with the same key and fail with another key or head", () => {
    const sig = signHead("k".repeat(32), 10n, "ab".repeat(32));
    expect(headSignatureValid("k".repeat(32), 10n, "ab".repeat(32), sig)).toBe(true);
    expect(headSignatureValid("x".repeat(32), 10n, "ab".repeat(32), sig)).toBe(false);
    expect(headSignatureValid("k".repeat(32), 11n, "ab".repeat(32), sig)).toBe(false);
    expect(headSignatureValid("k".repeat(32), 10n, "ab".repeat(32), "not hex")).toBe(false);
  });
});
