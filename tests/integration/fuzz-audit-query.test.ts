/**
 * Fuzzing the audit log's query strings (issue 15, item 7): the filter and cursors of GET /api/audit/events and
 * of the audit page (parseAuditQuery), and the export's (GET /api/audit/export), each through its real code with a
 * signed-in person. Generated query strings carry wrong values, NUL, lone surrogates, broken percent-escapes,
 * repeated and unknown keys. A bad filter is refused with 400 naming the field and nothing written; a good one,
 * however hostile its text, is answered (and an export streams to its end) without a 500.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { NextRequest } from "next/server";

const session = vi.hoisted(() => ({ actor: null as import("@/lib/auth/roles").Actor | null }));
vi.mock("server-only", () => ({}));
vi.mock("@/lib/auth/session", () => ({ currentActor: async () => session.actor }));

import { GET as listEvents } from "@/app/api/audit/events/route";
import { GET as exportEvents } from "@/app/api/audit/export/route";
import { executeAction } from "@/lib/actions/safe-action";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { listAuditEvents } from "@/lib/data/audit";
import type { Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import { ROLES } from "@/lib/auth/roles";
import { parseAuditQuery } from "@/lib/validation/audit";
import { hostileText, PROTO_KEYS } from "../support/fuzz";
import { actorByEmail, useFreshDatabase } from "./db";

const RUNS = 1_000;

let client: Db;
let tables: string[];
let auditor: Actor;
let sre: Actor;

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  auditor = await actorByEmail(client, "ada.mensah@ops.example");
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  // Some events with text to search, by someone whose own-actions view is not empty.
  for (const title of ["Billing API flow failures", "Checkout latency \u0000 spike", "Search indexer stuck"]) await executeAction(declareIncidentAction, sre, { title, severity: "P2" });
  tables = (await client.$queryRawUnsafe<{ t: string }[]>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)).map((r) => r.t);
});
afterAll(async () => {
  await client?.$disconnect();
});
// The export's rate limit (10 a minute per person) is not what is tested here: its windows are cleared as it goes.
beforeEach(async () => {
  await client.$executeRawUnsafe(`DELETE FROM rate_window`);
});

/** Rows in every table but the rate-limit windows. */
async function footprint(): Promise<Record<string, number>> {
  const counted = tables.filter((t) => t !== "rate_window");
  const [row] = await client.$queryRawUnsafe<Record<string, number>[]>(`SELECT ${counted.map((t) => `(SELECT count(*) FROM "${t}")::int AS "${t}"`).join(", ")}`);
  return row;
}

// ---- query strings -----------------------------------------------------------------------------------------------

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
const FILTER_KEYS = Object.keys(KEYS).filter((k) => k !== "before" && k !== "after");

type Slot = { key: string; value: string; bad: boolean };
type Query = { text: string; entries: [string, string][]; invalid: string[] };

/** A query string: some keys with a good or a bad first value (sometimes repeated), blanks, unknown keys and raw junk. */
function query(keys: string[], extraBad: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<Query> {
  const slot = (key: string): fc.Arbitrary<Slot[]> =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant<Slot[]>([]) },
      { weight: 3, arbitrary: KEYS[key].valid.map((value) => [{ key, value, bad: false }]) },
      { weight: 1, arbitrary: blankish.map((value) => [{ key, value, bad: false }]) },
      { weight: 2, arbitrary: (extraBad[key] ? fc.oneof(KEYS[key].invalid, extraBad[key]) : KEYS[key].invalid).map((value) => [{ key, value, bad: true }]) },
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

const namesExactly = (fieldErrors: Record<string, unknown>, expected: string[]) => {
  const keys = Object.keys(fieldErrors);
  for (const k of expected) expect(keys, `fieldErrors ${JSON.stringify(fieldErrors)} should name ${k}`).toContain(k);
  // Only the bad fields are named ("to" as well when both dates are given and one is bad).
  for (const k of keys) expect([...expected, "to"]).toContain(k);
};

// ---- the tests ---------------------------------------------------------------------------------------------------

describe(`GET /api/audit/events: ${RUNS.toLocaleString("en")} generated query strings`, () => {
  it("a bad filter or cursor is refused with 400 naming it; any other is answered; nothing is written", async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(query([...FILTER_KEYS, "before", "after"]), fc.constantFrom("auditor", "sre"), async (q, who) => {
        session.actor = who === "auditor" ? auditor : sre;
        const res = await listEvents(new NextRequest(`http://portal.test/api/audit/events?${q.text}`));
        const body = await res.json();
        if (q.invalid.length) {
          expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(400);
          expect(body.message).toMatch(/filters need attention/);
          namesExactly(body.fieldErrors, q.invalid);
        } else {
          expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200);
          expect(Array.isArray(body.events)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(await footprint()).toEqual(before);
  });
});

describe(`the audit page's search parameters: ${RUNS.toLocaleString("en")} generated`, () => {
  it("parseAuditQuery names each bad field; a good filter reads a page without an error", async () => {
    await fc.assert(
      fc.asyncProperty(query([...FILTER_KEYS, "before", "after"]), async (q) => {
        // As Next hands them to the page: repeated keys as arrays.
        const params: Record<string, string | string[]> = {};
        for (const [k, v] of new URLSearchParams(q.text)) params[k] = k in params ? ([] as string[]).concat(params[k], v) : v;
        const { filter, cursor } = parseAuditQuery(params);
        const issues = [...(filter.error?.issues ?? []), ...(cursor.error?.issues ?? [])];
        namesExactly(Object.fromEntries(issues.map((i) => [String(i.path[0]), i.message])), q.invalid);
        if (filter.success && cursor.success) await listAuditEvents(auditor, filter.data, cursor.data);
      }),
      { numRuns: RUNS },
    );
  });
});

describe(`GET /api/audit/export: ${RUNS.toLocaleString("en")} bad query strings, and good ones with hostile text`, () => {
  const badFormat = fc.constantFrom("", "CSV", "json", "xlsx", "csv\u0000", "jsonl ");
  const exportQuery = (mustBeBad: boolean) =>
    fc
      .tuple(query(FILTER_KEYS), fc.oneof(fc.constantFrom("csv", "jsonl").map((f) => ({ f, bad: false })), badFormat.map((f) => ({ f, bad: true }))), fc.boolean())
      .filter(([q, format]) => !mustBeBad || q.invalid.length > 0 || format.bad)
      .filter(([q, format]) => mustBeBad || (q.invalid.length === 0 && !format.bad))
      .map(([q, format, formatFirst]) => {
        const formatPart = format.f === "" ? "" : `format=${encodeURIComponent(format.f)}`;
        const text = [formatFirst ? formatPart : "", q.text, formatFirst ? "" : formatPart].filter(Boolean).join("&");
        return { text, invalid: [...(format.bad ? ["format"] : []), ...q.invalid.map((k) => `filter.${k}`)] };
      });

  it("a bad format or filter is refused with 400 naming it, and the export is not recorded", async () => {
    const before = await footprint();
    session.actor = auditor;
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(exportQuery(true), async (q) => {
        if (++calls % 9 === 0) await client.$executeRawUnsafe(`DELETE FROM rate_window`);
        const res = await exportEvents(new NextRequest(`http://portal.test/api/audit/export?${q.text}`));
        const body = await res.json();
        expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(400);
        expect(body.code).toBe("INVALID");
        const keys = Object.keys(body.fieldErrors ?? {});
        expect(keys.some((k) => q.invalid.includes(k)), `fieldErrors ${JSON.stringify(body.fieldErrors)} name none of ${q.invalid.join(", ")}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(await footprint()).toEqual(before);
  });

  it("a good filter with NUL, lone surrogates and LIKE wildcards exports to the end of the stream", async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(exportQuery(false), fc.constantFrom("auditor", "sre"), async (q, who) => {
        session.actor = who === "auditor" ? auditor : sre;
        if (++calls % 9 === 0) await client.$executeRawUnsafe(`DELETE FROM rate_window`);
        const before = (await footprint()).audit_event;
        const res = await exportEvents(new NextRequest(`http://portal.test/api/audit/export?${q.text}`));
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBe(200);
        expect(text.trim().split("\n").at(-1)).toMatch(/"type":"end"|""type"":""end""/);
        expect((await footprint()).audit_event).toBe(before + 1);
      }),
      { numRuns: 150 },
    );
  });
});
