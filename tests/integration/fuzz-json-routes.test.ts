/**
 * Fuzzing the JSON route handlers (issue 15, item 7) through the handlers themselves, with a signed-in person
 * who may use them: 1,000 generated requests per route — bodies that are not JSON, JSON of the wrong shape, wrong
 * types, hostile and huge strings, deep nesting, `__proto__` keys, unknown fields, wrong or missing content types,
 * oversized bodies, foreign origins — must each get a 4xx that says what was wrong (never a 5xx), and write
 * nothing but the refusals a signed-in person's refusals are (audit events) and the rate-limit windows.
 * The actions behind the routes are fuzzed field by field in fuzz-actions.test.ts; this covers what the route adds.
 */
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";

process.env.AUDIT_HMAC_KEY = "fuzz-json-routes-key-0123456789abcdef";
vi.mock("server-only", () => ({}));
const session = vi.hoisted(() => ({ actor: null as import("@/lib/auth/roles").Actor | null }));
vi.mock("@/lib/auth/session", () => ({ currentActor: async () => session.actor }));

import { NextRequest } from "next/server";
import { POST as startRun } from "@/app/api/runs/route";
import { POST as stepOp } from "@/app/api/runs/[id]/steps/[stepId]/route";
import { POST as signHead } from "@/app/api/audit/heads/route";
import { POST as verifyHead } from "@/app/api/audit/heads/verify/route";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { deepJson, hostileText, hugeText, PROTO_KEYS, unknownFields, withExtras } from "../support/fuzz";
import { actorByEmail, useFreshDatabase } from "./db";
import { footprint as countRows, tablesOf } from "../support/footprint";

vi.setConfig({ testTimeout: 120_000 });

const RUNS = 1_000;
const ORIGIN = "http://portal.test";

type Handler = (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Sent = { body: string; contentType?: string | null; origin?: string | null };

let client: Db;
let owner: pg.Pool;
let tables: string[];
let runId: string;

beforeAll(async () => {
  let ownerUrl: string;
  ({ client, ownerUrl } = await useFreshDatabase({ seed: true }));
  // Rate windows are cleared between calls (limits are not what is tested here) as the owner: the portal's role
  // deletes nothing.
  owner = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  process.env.PORTAL_URL = ORIGIN;
  tables = await tablesOf(client);
  // The incident commander may use every route here (start, sign, skip, sign heads, verify).
  session.actor = await actorByEmail(client, "ines.carter@ops.example");
  const run = await executeAction(startRunAction, session.actor, { runbookId: "RB-CORE-004" });
  if (!run.ok) throw new Error(run.message);
  runId = run.data.runId;
});
afterAll(async () => {
  session.actor = null;
  await owner?.end();
  await client?.$disconnect();
});
beforeEach(async () => {
  await owner.query(`DELETE FROM rate_window`);
});

function footprint(): Promise<Record<string, number>> {
  return countRows(client, tables);
}

function request(url: string, sent: Sent): NextRequest {
  const headers = new Headers({ host: new URL(ORIGIN).host });
  if (sent.origin !== null) headers.set("origin", sent.origin ?? ORIGIN);
  if (sent.contentType !== null) headers.set("content-type", sent.contentType ?? "application/json");
  return new NextRequest(new URL(url, ORIGIN), { method: "POST", headers, body: sent.body });
}

// ---- generated requests ------------------------------------------------------------------------------------------

const json = (v: unknown) => JSON.stringify(v);
/** Text that is not JSON at all, or is cut short. */
const notJson = fc.oneof(
  hostileText({ minLength: 1 }).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => json(v)).filter((s) => s.length > 2).map((s) => s.slice(0, -1)),
  fc.constantFrom("{", "[", '{"op":', "nul", "\u0000", "{'single':'quotes'}", "{\"a\":1,}"),
);
/** Any JSON value that is not an object (arrays, strings, numbers, null). */
const notAnObject = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 })).map((v) => json(v));
/** Nesting far deeper than any schema goes. */
const deep = fc.integer({ min: 1_000, max: 20_000 }).chain((d) => fc.constantFrom(deepJson(d, "array"), deepJson(d, "object")));
/** Objects whose keys are prototype names, with hostile values. */
const protoKeys = fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileText())).map(([k, v]) => `{${json(k)}:${json(v)}}`);
/** A well-shaped body whose fields are wrong: `fields` gives each field's wrong values. */
const wrongFields = (fields: Record<string, fc.Arbitrary<unknown>>, base: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom(...Object.keys(fields)).chain((k) => fields[k].map((v) => [k, v] as const)), unknownFields).map(([[k, v], extra]) => json(withExtras({ ...base, [k]: v }, extra)));
/** Longer than `max` characters after trimming (hugeText may be whitespace, which trimming removes). */
const longerThan = (max: number) => fc.integer({ min: max + 1, max: max + 3_000 }).map((n) => "x".repeat(n));
/** Neither text nor a checkbox value: what no field here accepts (a boolean or "" would be a valid checkbox or blank). */
const notTextOrFlag = fc.oneof(fc.integer(), fc.double(), fc.constant(null), fc.array(fc.string(), { minLength: 1, maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { minKeys: 1, maxKeys: 2 }));
const wrongType = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 2 }), hostileText(), hugeText(1_000));

/** Requests every JSON route must refuse: the body's text, and sometimes a wrong content type, size or origin. */
function hostileRequests(bodies: fc.Arbitrary<string>, maxBytes: number): fc.Arbitrary<Sent & { expect: number[] }> {
  return fc.oneof(
    { weight: 6, arbitrary: bodies.map((body) => ({ body, expect: [400, 404, 409, 422] })) },
    { weight: 1, arbitrary: bodies.map((body) => ({ body, contentType: null, expect: [415] })) },
    { weight: 1, arbitrary: fc.tuple(bodies, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp", "")).map(([body, contentType]) => ({ body, contentType, expect: [415] })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((n) => ({ body: `{"pad":"${"x".repeat(maxBytes + n * 1_000)}"}`, expect: [413] })) },
    { weight: 1, arbitrary: fc.tuple(bodies, fc.constantFrom("https://evil.example", "null", "http://portal.test.evil.example", "http://portal.test:81")).map(([body, origin]) => ({ body, origin, expect: [403] })) },
  );
}

const ROUTES: { name: string; handler: Handler; url: () => string; params: () => Record<string, string>; maxBytes: number; bodies: () => fc.Arbitrary<string> }[] = [
  {
    name: "POST /api/runs",
    handler: startRun as unknown as Handler,
    url: () => "/api/runs",
    params: () => ({}),
    maxBytes: BODY_LIMITS.action,
    bodies: () =>
      fc.oneof(notJson, notAnObject, deep, protoKeys, wrongFields(
          {
            runbookId: fc.oneof(notTextOrFlag, hostileText(), longerThan(100), fc.constantFrom("RB-NOPE-001", "rb-core-001", "RB-CORE-0010", "")),
            drill: fc.oneof(notTextOrFlag, fc.constantFrom("yes", "1", "on ")),
            scenario: fc.oneof(notTextOrFlag, fc.constantFrom("no-such-scenario", "x")),
            // A well-formed id of no incident: 404, and still nothing started.
            incidentId: fc.oneof(notTextOrFlag, fc.uuid(), fc.constantFrom("not-a-uuid")),
          },
          { runbookId: "RB-CORE-001" },
        )),
  },
  {
    name: "POST /api/runs/[id]/steps/[stepId]",
    handler: stepOp as unknown as Handler,
    url: () => `/api/runs/${runId}/steps/confirm-scope`,
    params: () => ({ id: runId, stepId: "confirm-scope" }),
    maxBytes: BODY_LIMITS.text,
    bodies: () =>
      fc.oneof(
        notJson,
        notAnObject,
        deep,
        protoKeys,
        wrongFields({ op: fc.oneof(wrongType, fc.constantFrom("SIGN", "delete", "abort", "")) }, { op: "sign" }),
        wrongFields({ notes: fc.oneof(fc.integer(), fc.array(fc.string(), { minLength: 1, maxLength: 2 }), longerThan(4_000)) }, { op: "sign" }),
        wrongFields({ reason: fc.oneof(fc.integer(), fc.constant(""), fc.constant("  "), longerThan(2_000)) }, { op: "skip" }),
        wrongFields({ requestHash: fc.oneof(wrongType, fc.constant("0".repeat(63))) }, { op: "approve" }),
        wrongFields({ outcome: fc.oneof(wrongType, fc.constantFrom("go", "MAYBE")) }, { op: "decide", reason: "fine" }),
      ),
  },
  {
    name: "POST /api/audit/heads",
    handler: signHead as unknown as Handler,
    url: () => "/api/audit/heads",
    params: () => ({}),
    maxBytes: BODY_LIMITS.action,
    // Every field is optional here ({} signs a head, and so does a JSON null or a blank body: no options), so an
    // object body is wrong only through its note.
    bodies: () =>
      fc.oneof(
        notJson.filter((b) => b.trim() !== ""),
        notAnObject.filter((b) => b !== "null"),
        fc.integer({ min: 1_000, max: 20_000 }).map((d) => deepJson(d, "array")),
        wrongFields({ note: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), longerThan(500)) }, {}),
      ),
  },
  {
    name: "POST /api/audit/heads/verify",
    handler: verifyHead as unknown as Handler,
    url: () => "/api/audit/heads/verify",
    params: () => ({}),
    maxBytes: BODY_LIMITS.webhook,
    bodies: () => fc.oneof(notJson, notAnObject, deep, protoKeys, wrongFields({ seq: wrongType, hash: wrongType, hmac: wrongType, at: wrongType }, { seq: "1", hash: "0".repeat(64), hmac: "0".repeat(64) })),
  },
];

describe(`${RUNS.toLocaleString("en")} hostile requests per JSON route: a 4xx that says why, never a 5xx, nothing written`, () => {
  for (const r of ROUTES) {
    it(r.name, async () => {
      const before = await footprint();
      await fc.assert(
        fc.asyncProperty(hostileRequests(r.bodies(), r.maxBytes), async (sent) => {
          // Every call counts against the person's limits (three verifications a minute), which is not what is
          // tested here (rate-limit.test.ts is): each call starts with fresh windows.
          await owner.query(`DELETE FROM rate_window`);
          const res = await r.handler(request(r.url(), sent), { params: Promise.resolve(r.params()) });
          const text = await res.text();
          // A body over the route's cap is refused as too large before it is read (except from another origin,
          // refused before anything else).
          const expected = Buffer.byteLength(sent.body) > r.maxBytes && !sent.expect.includes(403) ? [...sent.expect, 413] : sent.expect;
          expect(res.status, `${r.name} answered ${res.status} to ${JSON.stringify(sent).slice(0, 300)}: ${text.slice(0, 300)}`).toBeLessThan(500);
          expect(expected, `${r.name} answered ${res.status} to ${JSON.stringify(sent).slice(0, 300)}: ${text.slice(0, 300)}`).toContain(res.status);
          const answer = JSON.parse(text) as { ok?: boolean; message?: string; fieldErrors?: Record<string, string[]> };
          expect(answer.ok).toBe(false);
          expect(answer.message, "every refusal says why").toMatch(/\w{3,}/);
        }),
        { numRuns: RUNS },
      );
      const after = await footprint();
      const grew = Object.keys(after).filter((t) => after[t] !== before[t] && t !== "rate_window");
      // Refusals of a signed-in person are individual audit events (none are expected here: she holds every
      // permission these routes need, and nothing she sent was well-formed enough to reach an object check).
      expect(grew, `${r.name} wrote to ${grew.join(", ")}`).toEqual([]);
    });
  }

  it("the chain still verifies after all of it", async () => {
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});
