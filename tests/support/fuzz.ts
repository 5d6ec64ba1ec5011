/**
 * Generators (fast-check) for fuzzing what the portal accepts from outside: wrong types, hostile and huge strings,
 * deep nesting, `__proto__` and other inherited-looking keys, repeated form keys. Shared by the integration fuzz
 * tests (tests/integration/fuzz-*.test.ts) and the HTTP fuzz spec (e2e/fuzz.multi.spec.ts).
 */
import fc from "fast-check";

/**
 * Characters that break naive storage or parsing: NUL (PostgreSQL text and jsonb refuse it), lone surrogates (no
 * UTF-8 form), non-characters, bidi overrides, line separators, quotes, LIKE wildcards, control characters.
 */
export const NASTY_CHARS = ["\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uFFFE", "\uFFFF", "\u202E", "\u2028", "\r\n", "\t", "\\", '"', "'", "%", "_", "\u0001", "\u001B", "\u007F", "\u{1F600}"];

/** Keys that mean something to JavaScript objects rather than to the schema. */
export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__"];

const nastyChar = fc.constantFrom(...NASTY_CHARS);
const anyCodePoint = fc.string({ unit: "binary", minLength: 1, maxLength: 1 });

/** Any text (lengths in code points, each at most two UTF-16 units), often with NUL, lone surrogates and the like. */
export const hostileText = (opts: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({
    unit: fc.oneof({ arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }), weight: 3 }, { arbitrary: anyCodePoint, weight: 2 }, { arbitrary: nastyChar, weight: 2 }),
    minLength: opts.minLength ?? 0,
    maxLength: opts.maxLength ?? 40,
  });

/** Text that stays valid for a field of `min`..`max` characters after trimming: ASCII letters at both ends. */
export const hostileField = (min: number, max: number) =>
  hostileText({ maxLength: Math.max(0, Math.floor((max - 2) / 2)) }).map((s) => {
    const core = `a${s}a`;
    return core.length >= min ? core : core + "b".repeat(min - core.length);
  });

/** A string of 100-120 KB, of one repeated piece (NUL, a lone surrogate, an emoji cut in half…) and a hostile tail. */
export const hugeText = (min = 100_000) =>
  fc
    .record({ n: fc.integer({ min, max: min + 20_000 }), fill: fc.constantFrom("x", "é", "\u0000", "\uD800", "a\u0000", "\u{1F600}", "ab\uDFFF", " "), tail: hostileText({ maxLength: 20 }) })
    .map(({ n, fill, tail }) => fill.repeat(Math.ceil(n / fill.length)).slice(0, n) + tail);

/**
 * Arrays or objects nested 100 to 20,000 levels deep (a 16 KiB JSON body holds 8,000 levels of brackets). They print
 * as a short description: fast-check's own printer would overflow the stack on them.
 */
export const deeplyNested = fc
  .record({ depth: fc.integer({ min: 100, max: 20_000 }), kind: fc.constantFrom("array", "object"), leaf: fc.constantFrom<unknown>("x", 1, null, {}) })
  .map(({ depth, kind, leaf }) => {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
    Object.defineProperty(v, fc.toStringMethod, { value: () => `<${kind} nested ${depth} deep>`, enumerable: false });
    return v;
  });

/**
 * Values JSON can carry that are not strings (what a JSON caller may send in a string's place), nested shallowly
 * enough for JSON.stringify; add deep nesting to a JSON text with `deepJson`.
 */
export const jsonNotAString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** JSON text of arrays or objects nested `depth` levels deep (JSON.stringify would overflow the stack on them). */
export const deepJson = (depth: number, kind: "array" | "object" = "array") => (kind === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);

/** Values a server action may receive that are not strings: JSON's, and what React's reply encoding carries. */
export const notAString = fc.oneof(
  { arbitrary: jsonNotAString, weight: 5 },
  deeplyNested,
  fc.double(),
  fc.bigInt(),
  fc.constant(undefined).map(() => new Map([["a", "b"]])),
  fc.constant(undefined).map(() => new Set(["a"])),
  fc.constant(undefined).map(() => new Uint8Array([0, 1, 2])),
  fc.constant(undefined).map(() => Symbol("x")),
);

/** Sets `key` as an own, enumerable property even when it is `__proto__` (as JSON.parse does). */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** Fields no schema declares: random names and prototype-looking ones, with any values. */
export const unknownFields = fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), hostileText({ maxLength: 6 }), fc.constantFrom(...PROTO_KEYS, "actorId", "roles", "role", "outcome", "id")), fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileText())), { maxLength: 4 });

/** `base` with `extra` added as own properties (after the base's own keys, none of which it replaces). */
export function withExtras(base: Record<string, unknown>, extra: [string, unknown][]): Record<string, unknown> {
  const out = defineOwnAll({}, Object.entries(base));
  for (const [k, v] of extra) if (!Object.hasOwn(out, k)) defineOwn(out, k, v);
  return out;
}

function defineOwnAll(target: Record<string, unknown>, entries: [string, unknown][]) {
  for (const [k, v] of entries) defineOwn(target, k, v);
  return target;
}
