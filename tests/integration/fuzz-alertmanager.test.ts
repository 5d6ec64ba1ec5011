/**
 * Fuzzing the Alertmanager webhook (issue 15, item 7) through its route handler, with the right bearer token:
 * 1,000 malformed bodies get a 4xx whose message names the field and store nothing; well-formed notifications with
 * NUL, lone surrogates, `__proto__` labels, huge annotations and odd dates are stored without a 500.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { NextRequest } from "next/server";

const TOKEN = "fuzz-alertmanager-token";
process.env.ALERTMANAGER_WEBHOOK_TOKEN = TOKEN;
vi.mock("server-only", () => ({}));
// The webhook authenticates by token, never by session; this keeps next-auth out of the test.
vi.mock("@/lib/auth/session", () => ({ currentActor: async () => null }));

import { POST } from "@/app/api/alerts/alertmanager/route";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import { deepJson, defineOwn, hostileText, hugeText, jsonNotAString, PROTO_KEYS } from "../support/fuzz";
import { useFreshDatabase } from "./db";

const RUNS = 1_000;

let client: Db;
let tables: string[];

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  tables = (await client.$queryRawUnsafe<{ t: string }[]>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)).map((r) => r.t);
});
afterAll(async () => {
  await client?.$disconnect();
});
// Every call counts against the webhook's limit (120 a minute per source), which is not what is tested here: the
// windows are cleared before each test and every 100 calls.
beforeEach(async () => {
  await client.$executeRawUnsafe(`DELETE FROM rate_window`);
});

/** Rows in every table but the rate-limit windows (each call counts in one; cleared between batches). */
async function footprint(): Promise<Record<string, number>> {
  const counted = tables.filter((t) => t !== "rate_window");
  const [row] = await client.$queryRawUnsafe<Record<string, number>[]>(`SELECT ${counted.map((t) => `(SELECT count(*) FROM "${t}")::int AS "${t}"`).join(", ")}`);
  return row;
}

let calls = 0;
async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { message?: string; ok?: boolean } }> {
  const res = await POST(
    new NextRequest("http://portal.test/api/alerts/alertmanager", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers }, body }),
  );
  if (++calls % 100 === 0) await client.$executeRawUnsafe(`DELETE FROM rate_window`);
  return { status: res.status, json: await res.json() };
}

// ---- payloads ----------------------------------------------------------------------------------------------------

const iso = fc.constantFrom("2026-11-28T09:30:00Z", "2026-11-28T09:30:00.123456789Z", "2026-11-28T10:30:00+01:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "1970-01-01T00:00:00-12:00");
const fingerprints = fc.constantFrom("a1b2c3d4e5f60718", "f00d", "0000000000000000", "x");
const labelValue = fc.oneof(hostileText({ maxLength: 20 }), fc.constantFrom("critical", "warning", "P1", "RB-CORE-001", "rb-core-003 "));
const labels = fc
  .tuple(fc.dictionary(fc.oneof(hostileText({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS, "alertname", "severity", "runbook", "repo")), labelValue, { maxKeys: 5 }), fc.option(labelValue, { nil: undefined }))
  .map(([d, proto]) => {
    const out = { ...d };
    if (proto !== undefined) defineOwn(out, "__proto__", proto);
    return out;
  });

/** An alert; with `huge`, some annotations run to 100 KB. */
const alert = (huge: boolean) =>
  fc.record({
    status: fc.constantFrom("firing", "resolved"),
    labels,
    annotations: fc.oneof(labels, fc.record({ summary: hostileText(), description: huge ? fc.oneof({ arbitrary: hostileText(), weight: 3 }, { arbitrary: hugeText(), weight: 1 }) : hostileText(), runbook_url: fc.constantFrom("https://runbooks/RB-CORE-002", "\u0000") })),
    startsAt: iso,
    endsAt: fc.constantFrom("", "0001-01-01T00:00:00Z", "2026-11-28T11:00:00Z"),
    generatorURL: hostileText(),
    fingerprint: fingerprints,
  });

/** A notification as Alertmanager sends it (version 4), with hostile text wherever the schema lets text through. */
const notification = (huge: boolean) =>
  fc.record({
    version: fc.constant("4"),
    groupKey: fc.oneof(hostileText({ minLength: 1, maxLength: 20 }), fc.constantFrom('{}:{alertname="FlowFailures"}', "g")),
    truncatedAlerts: fc.nat(),
    status: fc.constantFrom("firing", "resolved"),
    receiver: hostileText(),
    groupLabels: labels,
    commonLabels: labels,
    commonAnnotations: labels,
    externalURL: hostileText(),
    alerts: fc.uniqueArray(alert(huge), { selector: (a) => a.fingerprint, minLength: 1, maxLength: 3 }),
  });
const wellFormed = notification(false);

type Field = { path: string; invalid: fc.Arbitrary<unknown> };
const notString = jsonNotAString;
const notRecord = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), hostileText({ minLength: 1 }), fc.array(fc.string(), { minLength: 1, maxLength: 3 }));
const recordWithNonString = fc.tuple(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "__proto__"), notString).map(([k, v]) => ({ [k]: v }));
const notIsoDate = fc.oneof(fc.constantFrom("yesterday", "2026-11-28 09:30:00Z", "2026-11-28T09:30:00", "2026-02-30T00:00:00Z", "2026-11-28T24:00:00Z", "1764322200", "\u0000"), hostileText().map((s) => `x${s}`));

const FIELDS: Field[] = [
  { path: "version", invalid: fc.oneof(notString, fc.constant(4), hostileText().filter((s) => s !== "4")) },
  { path: "groupKey", invalid: fc.oneof(notString, fc.constant("")) },
  { path: "truncatedAlerts", invalid: fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }), hostileText(), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { minLength: 1 })) },
  { path: "status", invalid: fc.oneof(notString, hostileText().filter((s) => s !== "firing" && s !== "resolved")) },
  { path: "receiver", invalid: notString },
  { path: "groupLabels", invalid: fc.oneof(notRecord, recordWithNonString) },
  { path: "commonLabels", invalid: fc.oneof(notRecord, recordWithNonString) },
  { path: "commonAnnotations", invalid: fc.oneof(notRecord, recordWithNonString) },
  { path: "externalURL", invalid: notString },
  {
    path: "alerts",
    invalid: fc.oneof(
      fc.tuple(alert(false), alert(false)).map(([a, b]) => [a, { ...b, fingerprint: a.fingerprint }]),
      fc.constant([]),
      fc.integer(),
      hostileText(),
      fc.constant(null),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
      fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { minLength: 1, maxLength: 3 }),
    ),
  },
  { path: "alerts.0.status", invalid: fc.oneof(notString, hostileText().filter((s) => s !== "firing" && s !== "resolved")) },
  { path: "alerts.0.labels", invalid: fc.oneof(notRecord, recordWithNonString, fc.constant(undefined)) },
  { path: "alerts.0.annotations", invalid: fc.oneof(notRecord, recordWithNonString) },
  { path: "alerts.0.startsAt", invalid: fc.oneof(notString, notIsoDate, fc.constant(undefined)) },
  { path: "alerts.0.endsAt", invalid: fc.oneof(notString, notIsoDate) },
  { path: "alerts.0.generatorURL", invalid: notString },
  { path: "alerts.0.fingerprint", invalid: fc.oneof(notString, fc.constant(""), fc.constant(undefined)) },
];

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(".");
  let node: Record<string, unknown> = target;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** An object's JSON text with an unknown field nested `depth` levels deep in front. */
const withDeepField = (text: string, depth: number) => (text.startsWith("{") && text !== "{}" ? `{"deep":${deepJson(depth)},${text.slice(1)}` : text);

type Case = { body: string; headers?: Record<string, string>; status: number[]; names: string };

/** Bodies with one field of the payload wrong (and sometimes an unknown field nested thousands of levels deep). */
const oneFieldWrong = (fields: Field[]): fc.Arbitrary<Case> =>
  fc
    .tuple(wellFormed, fc.nat({ max: fields.length - 1 }).chain((i) => fc.tuple(fc.constant(fields[i]), fields[i].invalid)), fc.option(fc.integer({ min: 10, max: 20_000 }), { nil: undefined }), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))
    .map(([payload, [field, bad], depth, extra]): Case => {
      const value = JSON.parse(JSON.stringify({ ...extra, ...payload }));
      setPath(value, field.path, bad);
      const text = JSON.stringify(value);
      return { body: depth ? withDeepField(text, depth) : text, status: [400], names: field.path };
    });

/** Bodies that are no payload at all: other JSON, deep nesting, not JSON, not declared as JSON, too large. */
const notAPayload: fc.Arbitrary<Case> = fc.oneof(
  fc.oneof(jsonNotAString, hostileText()).map((v): Case => ({ body: JSON.stringify(v), status: [400], names: "payload" })),
  fc.tuple(fc.integer({ min: 10, max: 20_000 }), fc.constantFrom("array" as const, "object" as const)).map(([depth, kind]): Case => ({ body: deepJson(depth, kind), status: [400], names: "payload" })),
  hostileText({ minLength: 1 }).map((s): Case => ({ body: `{${s}`, status: [400], names: "JSON" })),
  fc.integer({ min: 10, max: 50_000 }).map((n): Case => ({ body: "[".repeat(n), status: [400], names: "JSON" })),
  wellFormed.map((p): Case => ({ body: JSON.stringify(p), headers: { "content-type": "text/plain" }, status: [415], names: "Content-Type" })),
  fc.constant<Case>({ body: `{"version":"4","pad":"${"x".repeat(1024 * 1024)}"}`, status: [413], names: "larger than" }),
);

const PAYLOAD_FIELDS = FIELDS.filter((f) => !f.path.startsWith("alerts."));
const ALERT_FIELDS = FIELDS.filter((f) => f.path.startsWith("alerts."));

// ---- the tests ---------------------------------------------------------------------------------------------------

describe(`the Alertmanager webhook, fuzzed: ${RUNS.toLocaleString("en")} malformed bodies get a 4xx naming the field and store nothing`, () => {
  // Split in three so each stays well inside the test timeout: 400 + 400 + 200 bodies.
  const batches: [string, fc.Arbitrary<Case>, number][] = [
    ["one payload field wrong (a wrong type, a repeated fingerprint, a missing field…)", oneFieldWrong(PAYLOAD_FIELDS), 400],
    ["one field of an alert wrong", oneFieldWrong(ALERT_FIELDS), 400],
    ["no payload at all: other JSON, 20,000 levels of nesting, not JSON, text/plain, over 1 MiB", notAPayload, 200],
  ];
  for (const [what, cases, runs] of batches) {
    it(`${runs}: ${what}`, async () => {
      const before = await footprint();
      await fc.assert(
        fc.asyncProperty(cases, async ({ body, headers, status, names }) => {
          const res = await post(body, headers);
          expect(status, JSON.stringify(res.json).slice(0, 300)).toContain(res.status);
          expect(res.json.message).toContain(names);
        }),
        { numRuns: runs },
      );
      expect(await footprint()).toEqual(before);
    });
  }
  if (batches.reduce((n, [, , runs]) => n + runs, 0) !== RUNS) throw new Error("the batches must add up to RUNS");
});

describe("the Alertmanager webhook, fuzzed: well-formed notifications", () => {
  it("well-formed notifications with NUL, lone surrogates, __proto__ labels and 100 KB annotations are stored, never a 500", async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(notification(true), async (payload) => {
        const res = await post(JSON.stringify(payload));
        expect(res.status, res.json.message).toBe(200);
        expect(res.json.ok).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect((await footprint()).alert).toBeGreaterThan(before.alert);
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});
