/** The chain verifier's diagnosis of a broken chain, how far it reads, and the hash of an event. Signed heads: chain-heads.test.ts. */
import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChainVerifier, eventBody, GENESIS_HASH, hashEvent } from "./chain";
import { broken, chain, rehash, renumber, verify } from "./test-chain";

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

describe("the hash of an event", () => {
  it("is sha256 over the previous hash, a newline and the event's canonical body (what audit_append computes in SQL)", () => {
    const [e] = chain(1);
    expect(eventBody(e)).toBe(
      '{"action":"test.event","actorEmail":"sre@ops.example","actorId":null,"actorRoles":["SRE"],"at":"2026-11-28T01:00:01.000Z","details":{"i":1,"list":[1,2]},"outcome":"allowed","requestId":null,"seq":"1","targetId":"r1","targetType":"run"}',
    );
    expect(e.hash).toBe(hash("sha256", `${GENESIS_HASH}\n${eventBody(e)}`, "hex"));
    expect(GENESIS_HASH).toBe("0".repeat(64));
  });
});

describe("ChainVerifier diagnosis, in words", () => {
  it("says whose content no longer matches its hash", () => {
    const events = chain(10);
    events[4] = { ...events[4], details: { i: 999 } };
    expect(verify(events)).toEqual({ ok: false, count: 4, seq: 5n, problem: "edited", detail: "event 5's content no longer matches its hash", range: { from: 5n, to: 5n } });
  });

  it("names one missing event, and several", () => {
    const one = chain(10);
    one.splice(3, 1);
    expect(verify(one)).toEqual({ ok: false, count: 3, seq: 5n, problem: "deleted", detail: "event 4 is missing before event 5", range: { from: 4n, to: 4n } });
    const three = chain(10);
    three.splice(3, 3);
    expect(verify(three)).toEqual({ ok: false, count: 3, seq: 7n, problem: "deleted", detail: "events 4–6 are missing before event 7", range: { from: 4n, to: 6n } });
  });

  it("says how many events a renumbering hid", () => {
    const one = chain(10);
    expect(verify([...one.slice(0, 3), ...renumber(one.slice(4), -1n)])).toEqual({ ok: false, count: 3, seq: 4n, problem: "deleted", detail: "event 4 was written as event 5: event 4 was deleted and later events renumbered to hide the gap", range: { from: 4n, to: 4n } });
    const three = chain(10);
    expect(verify([...three.slice(0, 3), ...renumber(three.slice(6), -3n)])).toEqual({ ok: false, count: 3, seq: 4n, problem: "deleted", detail: "event 4 was written as event 7: events 4–6 were deleted and later events renumbered to hide the gap", range: { from: 4n, to: 6n } });
  });

  it("looks up to 16 events back for a renumbering, and no further", () => {
    const sixteen = chain(30);
    expect(verify([...sixteen.slice(0, 3), ...renumber(sixteen.slice(19), -16n)])).toMatchObject({ seq: 4n, problem: "deleted", range: { from: 4n, to: 19n } });
    const seventeen = chain(30);
    expect(verify([...seventeen.slice(0, 3), ...renumber(seventeen.slice(20), -17n)])).toEqual({ ok: false, count: 3, seq: 4n, problem: "edited", detail: "event 4's previous-hash and content no longer match what was written", range: { from: 4n, to: 4n } });
  });

  it("names the event before a rewritten-and-rehashed one", () => {
    const events = chain(10);
    events[4] = rehash({ ...events[4], details: { approved: true } });
    expect(verify(events)).toEqual({ ok: false, count: 5, seq: 6n, problem: "edited", detail: "event 5 was rewritten and its hash recomputed: event 6 records a different hash for it", range: { from: 5n, to: 5n } });
  });

  it("calls a replaced previous-hash an edit of both", () => {
    const events = chain(10);
    events[6] = { ...events[6], prevHash: "e".repeat(64) };
    expect(verify(events)).toEqual({ ok: false, count: 6, seq: 7n, problem: "edited", detail: "event 7's previous-hash and content no longer match what was written", range: { from: 7n, to: 7n } });
  });

  it("diagnoses a broken first event without a previous event to compare with", () => {
    const events = chain(5);
    events[0] = { ...events[0], prevHash: "e".repeat(64) };
    expect(verify(events)).toEqual({ ok: false, count: 0, seq: 1n, problem: "edited", detail: "event 1's previous-hash and content no longer match what was written", range: { from: 1n, to: 1n } });
  });

  it("names an event inserted with a correct link when the rest of the chain follows it", () => {
    const events = chain(10);
    const forged = rehash({ ...events[3], details: { forged: true }, prevHash: events[2].hash });
    expect(verify([...events.slice(0, 3), forged, ...renumber(events.slice(3), 1n)])).toEqual(broken(3, 4n, "inserted", "event 4 was inserted: event 5 was written right after event 3 and the rest of the chain follows it (later events were renumbered)", 4n, 4n));
  });

  it("names an event that claims the same predecessor as the event before it", () => {
    const events = chain(10);
    const forged = rehash({ ...events[4], details: { forged: true }, prevHash: events[2].hash });
    expect(verify([...events.slice(0, 4), forged, ...renumber(events.slice(4), 1n)])).toEqual(broken(4, 5n, "inserted", "event 5 claims to follow event 3, which event 4 already follows: it was inserted", 5n, 5n));
  });

  it("counts the events squeezed in before the real successor", () => {
    const one = chain(10);
    const f = rehash({ ...one[3], details: { forged: true }, prevHash: "c".repeat(64) });
    expect(verify([...one.slice(0, 3), f, ...renumber(one.slice(3), 1n)])).toEqual({ ok: false, count: 3, seq: 4n, problem: "inserted", detail: "event 4 does not follow event 3, but event 5 does: event 4 was inserted", range: { from: 4n, to: 4n } });
    const two = chain(10);
    const f1 = rehash({ ...two[3], details: { forged: 1 }, prevHash: "c".repeat(64) });
    const f2 = rehash({ ...two[3], seq: 5n, details: { forged: 2 }, prevHash: "d".repeat(64) });
    expect(verify([...two.slice(0, 3), f1, f2, ...renumber(two.slice(3), 2n)])).toEqual({ ok: false, count: 3, seq: 4n, problem: "inserted", detail: "event 4 does not follow event 3, but event 6 does: events 4–5 were inserted", range: { from: 4n, to: 5n } });
  });

  it("tells which of two events with one sequence number was inserted", () => {
    const events = chain(10);
    const forged = rehash({ ...events[3], details: { forged: true } });
    expect(verify([...events.slice(0, 3), forged, ...events.slice(3)])).toEqual(broken(3, 4n, "inserted", `two events carry sequence number 4 and the chain continues from the second: the first (hash ${forged.hash.slice(0, 12)}…) was inserted`, 4n, 4n));
    expect(verify([...events.slice(0, 4), forged, ...events.slice(4)])).toEqual(broken(4, 4n, "inserted", `event 4 repeats a sequence number already used (hash ${forged.hash.slice(0, 12)}…): it was inserted`, 4n, 4n));
  });

  it("names a gap in the sequence numbers even when every event links to the one before", () => {
    const events = chain(5);
    const skipped = rehash({ ...events[3], seq: 5n });
    expect(verify([...events.slice(0, 3), skipped])).toEqual({ ok: false, count: 3, seq: 5n, problem: "deleted", detail: "event 4 is missing before event 5", range: { from: 4n, to: 4n } });
  });

  it("names an event at the end of the log that claims the same predecessor as the event before it", () => {
    const events = chain(10);
    const fork = rehash({ ...events[9], seq: 11n, details: { fork: true } });
    expect(verify([...events, fork])).toEqual({ ok: false, count: 10, seq: 11n, problem: "inserted", detail: "event 11 claims to follow event 9, which event 10 already follows: it was inserted", range: { from: 11n, to: 11n } });
  });

  it("calls a repeated sequence number at the very end of the log an insertion of the later row", () => {
    const events = chain(10);
    const forged = rehash({ ...events[9], details: { forged: true } });
    expect(verify([...events, forged])).toMatchObject({ count: 10, seq: 10n, problem: "inserted", detail: `event 10 repeats a sequence number already used (hash ${forged.hash.slice(0, 12)}…): it was inserted` });
  });

  it("names the event a replay or fork claims to follow, back to the genesis", () => {
    const events = chain(10);
    expect(verify([...events, rehash({ ...events[2], seq: 11n })])).toEqual({ ok: false, count: 10, seq: 11n, problem: "inserted", detail: "event 11 claims to follow event 2, which already has a successor: it is a replay or a fork, inserted here", range: { from: 11n, to: 11n } });
    expect(verify([...events, rehash({ ...events[0], seq: 11n })])).toMatchObject({ seq: 11n, problem: "inserted", detail: "event 11 claims to follow event 0, which already has a successor: it is a replay or a fork, inserted here" });
  });

  it("remembers only `lookback` verified events to recognise a replay", () => {
    const events = chain(10);
    const replay = rehash({ ...events[7], seq: 11n });
    expect(verify([...events, replay], { lookback: 4 })).toMatchObject({ problem: "inserted", detail: expect.stringContaining("claims to follow event 7") });
    expect(verify([...events, replay], { lookback: 3 })).toMatchObject({ problem: "edited", detail: "event 10 was rewritten and its hash recomputed: event 11 records a different hash for it" });
  });

  it("says where a moved event now sits", () => {
    const events = chain(20);
    const [a, b] = [events[4], events[14]];
    events[4] = { ...b, seq: 5n };
    events[14] = { ...a, seq: 15n };
    expect(verify(events)).toEqual({ ok: false, count: 4, seq: 5n, problem: "reordered", detail: "event 5 was written after the event now at 14: events were moved out of order", range: { from: 5n, to: 14n } });
  });

  it("says what is left empty when events were moved to the end", () => {
    const one = chain(10);
    const [moved] = one.splice(3, 1);
    expect(verify([...one, { ...moved, seq: 11n }])).toEqual({ ok: false, count: 3, seq: 5n, problem: "reordered", detail: "event 5 was written after the event that now sits at 11: events were moved out of order (nothing is left at event 4)", range: { from: 4n, to: 11n } });
    const two = chain(10);
    const [m1, m2] = two.splice(3, 2);
    expect(verify([...two, { ...m1, seq: 9n }, { ...m2, seq: 10n }])).toMatchObject({ seq: 6n, problem: "reordered", detail: "event 6 was written after the event that now sits at 10: events were moved out of order (nothing is left at events 4–5)", range: { from: 4n, to: 10n } });
  });
});

describe("ChainVerifier reading", () => {
  it("stops asking for events exactly when the look-ahead after a break is full", () => {
    const events = chain(10);
    events[2] = { ...events[2], details: { i: 0 } };
    expect(new ChainVerifier({ lookahead: 2 }).push(events.slice(0, 4))).toBe(true);
    const v = new ChainVerifier({ lookahead: 2 });
    expect(v.push(events.slice(0, 5))).toBe(false);
    expect(v.push(events.slice(5))).toBe(false);
    expect(v.result()).toMatchObject({ ok: false, count: 2, seq: 3n, problem: "edited" });
  });

  it("reads at least one event after a break, whatever look-ahead is asked for", () => {
    const events = chain(10);
    events[2] = { ...events[2], details: { i: 0 } };
    const v = new ChainVerifier({ lookahead: 0 });
    expect(v.push(events.slice(0, 3))).toBe(true);
    expect(v.push(events.slice(3, 4))).toBe(false);
  });

  it("reads 1024 events after a break by default", () => {
    const events = chain(1100);
    events[2] = { ...events[2], details: { i: 0 } };
    const v = new ChainVerifier();
    expect(v.push(events.slice(0, 1026))).toBe(true);
    expect(v.push(events.slice(1026, 1027))).toBe(false);
  });

  it("keeps its verdict once settled, whatever is pushed after", () => {
    const events = chain(10);
    events[2] = { ...events[2], details: { i: 0 } };
    const v = new ChainVerifier({ lookahead: 1 });
    expect(v.push(events.slice(0, 4))).toBe(false);
    const verdict = v.result();
    expect(v.push(chain(3))).toBe(false);
    expect(v.result()).toEqual(verdict);
  });
});

describe("ChainVerifier from a known point", () => {
  it("recognises an event that claims the predecessor of the starting point", () => {
    const events = chain(10);
    const forged = rehash({ ...events[6], details: { forged: true }, prevHash: events[4].hash });
    const tail = [forged, ...renumber(events.slice(7), 1n)];
    expect(verify(tail, { start: { seq: 6n, hash: events[5].hash, prevHash: events[4].hash } })).toEqual(broken(0, 7n, "inserted", "event 7 claims to follow event 5, which event 6 already follows: it was inserted", 7n, 7n));
    expect(verify(tail, { start: { seq: 6n, hash: events[5].hash } })).toMatchObject({ problem: "edited" });
  });

  it("recognises a replay of an event before the starting point from the recent events it is given", () => {
    const events = chain(10);
    const replay = rehash({ ...events[2], seq: 11n });
    const recent = events.slice(0, 6).map((e) => ({ seq: e.seq, hash: e.hash }));
    expect(verify([...events.slice(6), replay], { start: { seq: 6n, hash: events[5].hash }, recent })).toMatchObject({ count: 4, seq: 11n, problem: "inserted", detail: expect.stringContaining("claims to follow event 2") });
    expect(verify([...events.slice(6), replay], { start: { seq: 6n, hash: events[5].hash } })).toMatchObject({ seq: 11n, problem: "edited" });
  });
});
