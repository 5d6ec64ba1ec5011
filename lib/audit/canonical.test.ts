import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical";
import { eventBody, type ChainedEvent } from "./chain";
import { eventJson } from "./export";

/** The plain definition canonicalJson must keep to: normalise, then JSON.stringify. */
function reference(value: unknown): string {
  const normalise = (v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === "bigint") return v.toString();
    if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : normalise(x)));
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v as object).sort()) {
        const x = (v as Record<string, unknown>)[key];
        if (x !== undefined) out[key] = normalise(x);
      }
      return out;
    }
    if (typeof v === "number" && !Number.isFinite(v)) return null;
    return v;
  };
  return JSON.stringify(normalise(value));
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STRINGS = ["", "a", "é", "Zürich", "line\nbreak", 'quote"s', "back\\slash", "\u0001ctl", "😀", "\ud800", "=SUM(A1)", "key with space", "10", "__proto__x"];

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 7 : 10));
  switch (pick) {
    case 0: return null;
    case 1: return undefined;
    case 2: return r() < 0.5;
    case 3: return [0, -0, 1.5, -12, 1e21, 2 ** 53, NaN, Infinity][Math.floor(r() * 8)];
    case 4: return STRINGS[Math.floor(r() * STRINGS.length)];
    case 5: return new Date(Date.UTC(2026, 10, 28) + Math.floor(r() * 1e9));
    case 6: return BigInt(Math.floor(r() * 1e6));
    case 7: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 5); i > 0; i--) o[STRINGS[Math.floor(r() * STRINGS.length)] + (r() < 0.3 ? "B" : "a")] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe("canonicalJson", () => {
  it("gives exactly the text of the plain definition for 5,000 random values", () => {
    const r = rng(42);
    for (let i = 0; i < 5000; i++) {
      const v = randomValue(r);
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  it("is independent of key order and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

describe("eventBody", () => {
  it("is the canonical JSON of the event's hashed fields, for random events", () => {
    const r = rng(7);
    const maybe = (s: string) => (r() < 0.3 ? null : s);
    for (let i = 0; i < 2000; i++) {
      const e: ChainedEvent = {
        seq: BigInt(1 + Math.floor(r() * 1e9)),
        at: new Date(Date.UTC(2026, 0, 1) + Math.floor(r() * 1e10)),
        actorId: maybe("00000000-0000-4000-8000-00000000000" + (i % 10)),
        actorEmail: maybe(STRINGS[i % STRINGS.length] + "@ops.example"),
        actorRoles: r() < 0.2 ? [] : ["SRE", "AUDITOR"].slice(0, 1 + (i % 2)),
        action: "run.step." + STRINGS[i % STRINGS.length],
        outcome: ["allowed", "refused", "failed"][i % 3],
        targetType: maybe("run"),
        targetId: maybe(String(i)),
        details: randomValue(r),
        requestId: maybe("req-" + i),
        prevHash: "ab".repeat(32),
      };
      // Every field an export carries but the two hashes (undefined drops them).
      expect(eventBody(e)).toBe(reference({ ...eventJson({ ...e, hash: "" }), prevHash: undefined, hash: undefined }));
    }
  });
});
