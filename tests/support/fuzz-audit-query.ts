/**
 * Generated audit-log query strings for the fuzz tests: the filter (GET /api/audit/events, the audit page, the
 * export) and the keyset cursors, each key absent, good (hostile text included), blank, bad, or repeated (the first
 * value counts), with unknown keys and broken percent-escapes around them. Each comes with the keys that must be
 * refused. Used by tests/integration/fuzz-audit-query.test.ts and e2e/fuzz.multi.spec.ts.
 */
import fc from "fast-check";
import { ROLES } from "../../lib/auth/roles";
import { hostileText, PROTO_KEYS } from "./fuzz";

const UUID = "3e2d1c0b-8a9f-4e7d-8c6b-5a4f3e2d1c0b";
const blankish = fc.constantFrom("", " ", "\t");
const withText = (prefix: string) => hostileText({ maxLength: 12 }).map((s) => `${prefix}${s}`);

/** Per filter key: values it accepts (hostile text included) and values it must refuse. */
const KEYS: Record<string, { valid: fc.Arbitrary<string>; invalid: fc.Arbitrary<string> }> = {
  from: { valid: fc.constantFrom("2020-01-01", "2020-06-01T10:00", "2021-01-01T00:00:00Z"), invalid: fc.constantFrom("yesterday", "2026-13-45", "q\u0000", "\uD800") },
  to: { valid: fc.constantFrom("2030-01-01", "2030-06-01T10:00:30.5", "2031-01-01T00:00:00+02:00"), invalid: fc.constantFrom("tomorrow", "2026-02-30T25:61", "x") },
  actor: { valid: fc.oneof(hostileText({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ""), fc.constantFrom("system", "sam.rivera@ops.example", UUID)), invalid: fc.constant("a".repeat(321)) },
  role: { valid: fc.constantFrom(...ROLES), invalid: fc.oneof(fc.constantFrom("ROOT", "sre", "SRE\u0000"), withText("X")) },
  action: { valid: fc.constantFrom("run.", "run.step.*", "incident.declared", "audit.*"), invalid: fc.oneof(fc.constantFrom("**", "run..x", "a b", "run.\u0000", "%"), withText("!")) },
  targetType: { valid: fc.constantFrom("run", "incident", "command"), invalid: fc.oneof(fc.constantFrom("a b", "x/y", "\u0000"), withText("*")) },
  targetId: { valid: hostileText({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ""), invalid: fc.constant("b".repeat(201)) },
  incident: { valid: fc.constant(UUID), invalid: fc.oneof(fc.constantFrom("not-a-uuid", `${UUID}\u0000`), withText("z")) },
  run: { valid: fc.constant(UUID), invalid: fc.oneof(fc.constantFrom("1", `${UUID}x`), withText("z")) },
  outcome: { valid: fc.constantFrom("allowed", "refused", "failed"), invalid: fc.oneof(fc.constantFrom("ok", "ALLOWED"), withText("y")) },
  q: { valid: fc.oneof(withText("abc"), withText("Billing"), fc.constantFrom("100%_", "spike\u0000", "9f3e")), invalid: fc.oneof(fc.constantFrom("ab", "a-b", "x_y_z", "\u0000\u0000", "é".repeat(5)), fc.constant("abc".repeat(70))) },
  before: { valid: fc.constantFrom("1", "100", "999999999999999999"), invalid: fc.constantFrom("-1", "1.5", "abc", "9999999999999999999", "0x10", "1\u0000") },
  after: { valid: fc.constantFrom("1", "2"), invalid: fc.constantFrom("x", "-2", "1e3") },
};
export const FILTER_KEYS = Object.keys(KEYS).filter((k) => k !== "before" && k !== "after");

type Slot = { key: string; value: string; bad: boolean };
export type AuditQuery = { text: string; entries: [string, string][]; invalid: string[] };

/** A query string: some keys with a good or a bad first value (sometimes repeated), blanks, unknown keys and raw junk. */
export function auditQuery(keys: string[] = [...FILTER_KEYS, "before", "after"]): fc.Arbitrary<AuditQuery> {
  const slot = (key: string): fc.Arbitrary<Slot[]> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<Slot[]>([]) },
      { weight: 3, arbitrary: KEYS[key].valid.map((value) => [{ key, value, bad: false }]) },
      { weight: 1, arbitrary: blankish.map((value) => [{ key, value, bad: false }]) },
      { weight: 2, arbitrary: KEYS[key].invalid.map((value) => [{ key, value, bad: true }]) },
      // Repeated: only the first value counts.
      { weight: 1, arbitrary: fc.tuple(KEYS[key].valid, hostileText()).map(([value, second]) => [{ key, value, bad: false }, { key, value: second, bad: false }]) },
    );
  const unknownKey = fc.oneof(fc.constantFrom(...PROTO_KEYS, "Actor", "ROLE", "filter", "filter[q]"), hostileText({ maxLength: 6 })).filter((k) => !(k in KEYS) && k !== "format");
  const junk = fc.array(fc.tuple(unknownKey, hostileText({ maxLength: 10 })), { maxLength: 3 });
  const rawJunk = fc.array(fc.constantFrom("%", "%E0%A4%A", "%00", "&&", "=", "==x", "%zz=1", "+"), { maxLength: 2 });
  return fc.tuple(fc.tuple(...keys.map(slot)), junk, rawJunk, fc.boolean()).map(([slots, extra, raw, swapDates]) => {
    // Copies: fast-check reuses generated values while shrinking, so they must not be changed in place.
    const chosen = slots.flat().map((s) => ({ ...s }));
    // Both dates good but the end first: refused on "to".
    if (swapDates && chosen.some((s) => s.key === "from" && !s.bad) && chosen.some((s) => s.key === "to" && !s.bad)) {
      for (const s of chosen) if (s.key === "from" && s.value.trim()) s.value = "2035-01-01";
    }
    const entries: [string, string][] = [...chosen.map((s): [string, string] => [s.key, s.value]), ...extra];
    const invalid = [...new Set(chosen.filter((s, i) => s.bad && chosen.findIndex((t) => t.key === s.key) === i).map((s) => s.key))];
    const from = chosen.find((s) => s.key === "from");
    const to = chosen.find((s) => s.key === "to");
    // The dates are compared only when every other filter field is good.
    const otherBad = invalid.some((k) => k !== "before" && k !== "after");
    if (from && to && !from.bad && !to.bad && from.value === "2035-01-01" && to.value.trim() && !otherBad) invalid.push("to");
    const text = [new URLSearchParams(entries).toString(), ...raw].filter(Boolean).join("&");
    return { text, entries, invalid };
  });
}

const badFormat = fc.constantFrom("", "CSV", "json", "xlsx", "csv\u0000", "jsonl ");

/**
 * The export's query string: a format and the filter. `bad`: the format or some filter field is bad (`invalid` names
 * them as the export action reports them: format, filter.<key>); otherwise every part is good.
 */
export const exportQuery = (bad: boolean): fc.Arbitrary<{ text: string; invalid: string[] }> =>
  fc
    .tuple(auditQuery(FILTER_KEYS), fc.oneof(fc.constantFrom("csv", "jsonl").map((f) => ({ f, bad: false })), badFormat.map((f) => ({ f, bad: true }))), fc.boolean())
    .filter(([q, format]) => (q.invalid.length > 0 || format.bad) === bad)
    .map(([q, format, formatFirst]) => {
      const formatPart = format.f === "" ? "" : `format=${encodeURIComponent(format.f)}`;
      const text = [formatFirst ? formatPart : "", q.text, formatFirst ? "" : formatPart].filter(Boolean).join("&");
      return { text, invalid: [...(format.bad ? ["format"] : []), ...q.invalid.map((k) => `filter.${k}`)] };
    });
