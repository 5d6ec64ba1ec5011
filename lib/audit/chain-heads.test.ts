/** The chain verifier against signed heads (truncation, rewrites behind a head), and the heads' signatures. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ChainVerifier, headSignatureValid, signHead } from "./chain";
import { broken, chain, rehash, renumber, verify } from "./test-chain";

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

describe("ChainVerifier with signed heads, in detail", () => {
  it("checks every head that names the same event: a second, conflicting head is not hidden behind a matching one", () => {
    const events = chain(10);
    const right = { seq: 4n, hash: events[3].hash };
    const forged = { seq: 4n, hash: "f".repeat(64) };
    for (const anchors of [[right, forged], [forged, right]]) {
      expect(verify(events, { anchors })).toMatchObject({ ok: false, seq: 4n });
    }
    expect(verify(events, { anchors: [right, { ...right }] })).toMatchObject({ ok: true, count: 10 });
  });

  it("checks heads given in any order", () => {
    const events = chain(10);
    const wrong = { seq: 4n, hash: "f".repeat(64) };
    expect(verify(events, { anchors: [{ seq: 8n, hash: events[7].hash }, wrong, { seq: 2n, hash: events[1].hash }] })).toMatchObject({ ok: false, seq: 4n, problem: "edited" });
    expect(verify(events, { anchors: [{ seq: 8n, hash: events[7].hash }, { seq: 2n, hash: events[1].hash }, { seq: 4n, hash: events[3].hash }] })).toMatchObject({ ok: true, count: 10 });
  });

  it("checks a head at the first event after the starting point, and ignores heads at or before it", () => {
    const events = chain(10);
    const start = { seq: 6n, hash: events[5].hash };
    expect(verify(events.slice(6), { start, anchors: [{ seq: 7n, hash: "f".repeat(64), label: "head #7" }] })).toEqual(broken(0, 7n, "edited", "event 7 is not the event head #7 recorded: the log was rewritten at or before event 7 and its hashes recomputed", 1n, 7n));
    expect(verify(events.slice(6), { start, anchors: [{ seq: 6n, hash: "f".repeat(64) }, { seq: 3n, hash: "f".repeat(64) }] })).toMatchObject({ ok: true, count: 4 });
  });

  it("keeps checking later heads when a head at or before the starting point is also given", () => {
    const events = chain(10);
    const anchors = [{ seq: 3n, hash: events[2].hash }, { seq: 8n, hash: "f".repeat(64) }];
    expect(verify(events.slice(6), { start: { seq: 6n, hash: events[5].hash }, anchors })).toMatchObject({ ok: false, count: 1, seq: 8n, problem: "edited" });
  });

  it("reads the look-ahead after a head's event fails to match, before settling", () => {
    const events = chain(10);
    const anchors = [{ seq: 4n, hash: "f".repeat(64) }];
    expect(new ChainVerifier({ anchors, lookahead: 2 }).push(events.slice(0, 5))).toBe(true);
    expect(new ChainVerifier({ anchors, lookahead: 2 }).push(events.slice(0, 6))).toBe(false);
  });

  it("says a head's event was rewritten since the previous head, naming an unlabelled head generically", () => {
    const original = chain(10);
    const rewritten = original.slice(0, 5);
    for (const e of original.slice(5)) rewritten.push(rehash({ ...e, prevHash: rewritten[rewritten.length - 1].hash, details: { rewritten: true } }));
    expect(verify(rewritten, { anchors: [{ seq: 3n, hash: original[2].hash }, { seq: 8n, hash: original[7].hash }] })).toEqual(broken(7, 8n, "edited", "event 8 is not the event a signed head recorded: the log was rewritten at or before event 8 and its hashes recomputed", 4n, 8n));
  });

  it("says how many events were inserted before a head's event, which now sits later", () => {
    const events = chain(10);
    const head = { seq: 6n, hash: events[5].hash, label: "head #1" };
    const f1 = rehash({ ...events[5], details: { forged: 1 }, prevHash: events[4].hash });
    expect(verify([...events.slice(0, 5), f1, ...renumber(events.slice(5), 1n)], { anchors: [head] })).toEqual(broken(5, 6n, "inserted", "the event head #1 recorded as event 6 now sits at 7: event 6 was inserted before it", 6n, 6n));
    const f2 = rehash({ ...events[5], seq: 7n, details: { forged: 2 }, prevHash: f1.hash });
    expect(verify([...events.slice(0, 5), f1, f2, ...renumber(events.slice(5), 2n)], { anchors: [{ ...head, label: undefined }] })).toMatchObject({
      seq: 6n,
      problem: "inserted",
      detail: "the event a signed head recorded as event 6 now sits at 8: events 6–7 were inserted before it",
      range: { from: 6n, to: 7n },
    });
  });

  it("names the earliest head the log falls short of, by its label", () => {
    const events = chain(10);
    const v = new ChainVerifier({ anchors: [{ seq: 9n, hash: events[8].hash, label: "head #3" }, { seq: 7n, hash: events[6].hash, label: "head #2" }] });
    v.push(events.slice(0, 5));
    expect(v.result()).toEqual({ ok: false, count: 5, seq: 7n, problem: "truncated", detail: "the log ends at event 5 but head #2 recorded event 7", range: { from: 6n, to: 7n } });
    expect(v.result({ seq: 6n, hash: events[5].hash })).toMatchObject({ seq: 6n, detail: "the log ends at event 5 but a signed head recorded event 6", range: { from: 6n, to: 6n } });
  });

  it("prefers a signed head's label when an exported head names the same missing event", () => {
    const events = chain(10);
    const v = new ChainVerifier({ anchors: [{ seq: 9n, hash: events[8].hash, label: "head #3" }] });
    v.push(events.slice(0, 5));
    expect(v.result({ seq: 9n, hash: events[8].hash })).toMatchObject({ seq: 9n, problem: "truncated", detail: "the log ends at event 5 but head #3 recorded event 9" });
  });

  it("checks an exported head against the last event when the log ends exactly there", () => {
    const events = chain(10);
    const v = new ChainVerifier();
    v.push(events);
    expect(v.result({ seq: 10n, hash: events[9].hash })).toEqual({ ok: true, count: 10, headSeq: 10n, headHash: events[9].hash });
    expect(v.result({ seq: 10n, hash: "f".repeat(64) })).toEqual(broken(10, 10n, "edited", "event 10 is not the event the signed head recorded: the log was rewritten and its hashes recomputed", 1n, 10n));
    expect(v.result({ seq: 8n, hash: events[7].hash })).toMatchObject({ ok: true, headSeq: 10n });
    const truncated = new ChainVerifier();
    truncated.push(events.slice(0, 8));
    expect(truncated.result({ seq: 10n, hash: events[9].hash })).toEqual({ ok: false, count: 8, seq: 10n, problem: "truncated", detail: "the log ends at event 8 but a signed head recorded event 10", range: { from: 9n, to: 10n } });
  });
});

describe("head signatures, in detail", () => {
  it("are an HMAC-SHA256 of 'seq:hash' in hex", () => {
    expect(signHead("k".repeat(32), 10n, "ab".repeat(32))).toBe(createHmac("sha256", "k".repeat(32)).update(`10:${"ab".repeat(32)}`).digest("hex"));
  });

  it("accept upper-case hex and refuse anything but exactly 64 hex digits", () => {
    const sig = signHead("k".repeat(32), 10n, "ab".repeat(32));
    expect(headSignatureValid("k".repeat(32), 10n, "ab".repeat(32), sig.toUpperCase())).toBe(true);
    for (const bad of [sig + "0", sig + "zz", sig.slice(0, 62), sig.slice(0, 63), "", "0".repeat(64)]) expect(headSignatureValid("k".repeat(32), 10n, "ab".repeat(32), bad), bad).toBe(false);
  });
});
