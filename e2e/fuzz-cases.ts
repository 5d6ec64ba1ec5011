/**
 * The generated HTTP requests of e2e/fuzz.multi.spec.ts, one arbitrary per route, each with what its answer must be.
 * Free of Playwright, so the requests are plain data: a method, a path, headers and a body.
 */
import fc from "fast-check";
import { deepJson, defineOwn, hostileText, jsonNotAString, PROTO_KEYS } from "../tests/support/fuzz";
import { alertFieldWrong, notAPayload, payloadFieldWrong } from "../tests/support/fuzz-alertmanager";
import { auditQuery, exportQuery } from "../tests/support/fuzz-audit-query";
import { fakeSecrets } from "../lib/validation/fake-secrets";

/** The statuses allowed; the fieldErrors key (or its prefix) or the message text a refusal must carry; a check of a good answer. */
export type Expect = { status: number[]; field?: string; message?: string; check?: (body: Record<string, unknown>) => boolean };
export type HttpRequest = { method: "GET" | "POST"; path: string; headers: Record<string, string>; body?: string };
export type HttpCase = { request: HttpRequest; expect: Expect };

export const ALERT_TOKEN = process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token";

const json = (value: unknown) => JSON.stringify(value);
const post = (path: string, body: string, contentType = "application/json"): HttpRequest => ({ method: "POST", path, headers: { "content-type": contentType }, body });
const secret = fc.constantFrom(...Object.values(fakeSecrets)).map((s) => `See ${s} here`);
/** More than `max` code points (what zod counts), with NUL, accents or emoji. */
const tooLong = (max: number) => fc.tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom("x", "é", "\u{1F600}", "\u0000x")).map(([extra, fill]) => `a${fill.repeat(max + extra)}a`);
const notStringOrNull = jsonNotAString.filter((v) => v !== null);
const unknownFields = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS, "actorId", "roles"), fc.string({ maxLength: 8 })), fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileText())), { maxLength: 3 });

/** `base` with `field` set to `value` — or, when `value` is undefined, left out and offered under an own __proto__ key. */
function bodyWith(base: Record<string, unknown>, field: string, value: unknown, extra: [string, unknown][], depth?: number): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of extra) if (!(k in base) && k !== field) defineOwn(out, k, v);
  for (const [k, v] of Object.entries(base)) if (k !== field) out[k] = v;
  if (value !== undefined) out[field] = value;
  else defineOwn(out, "__proto__", base);
  const text = json(out);
  return depth && text.length > 2 ? `{"deep":${deepJson(depth)},${text.slice(1)}` : text;
}

/** One field wrong in an otherwise good body (with unknown fields, sometimes one nested `maxDepth` levels deep). */
function oneFieldWrong(path: string, base: Record<string, unknown>, fields: Record<string, fc.Arbitrary<unknown>>, maxDepth: number): fc.Arbitrary<HttpCase> {
  return fc
    .tuple(fc.constantFrom(...Object.keys(fields)).chain((f) => fc.tuple(fc.constant(f), fields[f])), unknownFields, fc.option(fc.integer({ min: 10, max: maxDepth }), { nil: undefined }))
    .map(([[field, value], extra, depth]) => ({ request: post(path, bodyWith(base, field, value, extra, depth)), expect: { status: [400], field } }));
}

/** JSON values that are no object (JSON null is left out: some routes read it as "no body"). */
const notAnObject = fc.oneof(notStringOrNull, hostileText()).filter((v) => typeof v !== "object" || Array.isArray(v));

/** Bodies that are no input at all: JSON that is no object, deep nesting, not JSON, text/plain, over the cap. */
function notAnInput(path: string, capBytes: number, root: Expect): fc.Arbitrary<HttpCase> {
  return fc.oneof<fc.Arbitrary<HttpCase>[]>(
    notAnObject.map((v) => ({ request: post(path, json(v)), expect: root })),
    fc.integer({ min: 10, max: Math.min(8_000, Math.floor(capBytes / 2) - 10) }).map((n) => ({ request: post(path, deepJson(n)), expect: root })),
    hostileText({ minLength: 1 }).map((s) => ({ request: post(path, `{${s}`), expect: { status: [400], message: "JSON" } })),
    fc.constant<HttpCase>({ request: post(path, json({ a: 1 }), "text/plain"), expect: { status: [415], message: "Content-Type" } }),
    fc.constant<HttpCase>({ request: post(path, json({ pad: "x".repeat(capBytes) })), expect: { status: [413], message: "larger than" } }),
  );
}

const RUN_ID = "0b8f6a8e-2d1c-4e7d-9f3b-5c6d7e8f9a0b";
/** Path segments that are no id: printable, without "/" or "\" (which would change the route, not the id). */
const junkSegment = hostileText({ maxLength: 12 }).map((s) => `x${s.toWellFormed().replace(/[/\\]/g, "")}`);
const stepPath = (id: string, step: string) => `/api/runs/${encodeURIComponent(id)}/steps/${encodeURIComponent(step)}`;

/** POST /api/runs: one field of a start request wrong, or no start request at all. */
export const startRunCases: fc.Arbitrary<HttpCase> = fc.oneof(
  {
    weight: 8,
    arbitrary: oneFieldWrong(
      "/api/runs",
      { runbookId: "RB-CORE-001" },
      {
        runbookId: fc.oneof(jsonNotAString, fc.constant(undefined), fc.constantFrom("rb-core-001", "RB-CORE-1", "RB-CORE-001\u0000", "RB-OPS-001"), hostileText()),
        drill: fc.oneof(notStringOrNull.filter((v) => typeof v !== "boolean"), fc.constantFrom("yes", "1", "off")),
        scenario: fc.oneof(notStringOrNull, fc.constantFrom("meteor", "mass-failure\u0000")),
        incidentId: fc.oneof(notStringOrNull, junkSegment),
        flowId: fc.oneof(notStringOrNull, fc.constantFrom("<script>", "a b", "x".repeat(101)), secret),
      },
      // Up to 6,000 levels keeps the body under the 16 KiB cap (a larger body is the 413 case).
      6_000,
    ),
  },
  { weight: 2, arbitrary: notAnInput("/api/runs", 16 * 1024, { status: [400], field: "_form" }) },
);

const STEP_OPS: Record<string, { base: Record<string, unknown>; fields: Record<string, fc.Arbitrary<unknown>> }> = {
  sign: { base: { notes: "ok" }, fields: { notes: fc.oneof(notStringOrNull, tooLong(4000), secret) } },
  request: {
    base: { values: {} },
    fields: { values: fc.oneof(fc.integer(), hostileText({ minLength: 1 }), fc.array(fc.string(), { minLength: 1 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k !== "__proto__"), notStringOrNull, { minKeys: 1, maxKeys: 2 })) },
  },
  approve: { base: { requestHash: "0".repeat(64) }, fields: { requestHash: fc.oneof(notStringOrNull, fc.constant(undefined), fc.constantFrom("0".repeat(63), "G".repeat(64), "0".repeat(64) + "\u0000")) } },
  decide: {
    base: { outcome: "GO", reason: "looks fine" },
    fields: {
      outcome: fc.oneof(notStringOrNull, fc.constantFrom("go", "NO-GO", "MAYBE")),
      reason: fc.oneof(notStringOrNull, fc.constantFrom("", "  a ", "ok"), tooLong(2000), secret),
      checked: fc.oneof(fc.integer(), fc.dictionary(fc.string(), fc.string(), { minKeys: 1, maxKeys: 2 }), fc.array(fc.integer(), { minLength: 1 })),
    },
  },
  skip: { base: { reason: "not needed" }, fields: { reason: fc.oneof(notStringOrNull, fc.constant(undefined), tooLong(2000), secret) } },
};

/** POST /api/runs/:id/steps/:stepId: a field of the op wrong, the run or step in the path wrong, the op wrong, or no body. */
export const stepCases: fc.Arbitrary<HttpCase> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...Object.keys(STEP_OPS)).chain((op) =>
      fc
        .tuple(fc.constantFrom(...Object.keys(STEP_OPS[op].fields)).chain((f) => fc.tuple(fc.constant(f), STEP_OPS[op].fields[f])), fc.uuid({ version: 4 }), unknownFields)
        .map(([[field, value], id, extra]): HttpCase => ({ request: post(stepPath(id, "triage"), bodyWith({ op, ...STEP_OPS[op].base }, field, value, extra)), expect: { status: [400], field } })),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom(...Object.keys(STEP_OPS)), fc.boolean(), junkSegment).map(([op, badRun, junk]): HttpCase => {
      // The body's own runId and stepId are overridden by the path.
      const body = json({ op, ...STEP_OPS[op].base, runId: RUN_ID, stepId: "triage" });
      return { request: post(badRun ? stepPath(junk, "triage") : stepPath(RUN_ID, `${junk}X`), body), expect: { status: [400], field: badRun ? "runId" : "stepId" } };
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(fc.constant(undefined), notStringOrNull, fc.constantFrom("SIGN", "abort", "escalate", "sign\u0000")), unknownFields)
      .map(([op, extra]): HttpCase => ({ request: post(stepPath(RUN_ID, "triage"), bodyWith({ op: "sign", notes: "ok" }, "op", op, extra)), expect: { status: [400], message: "op must be" } })),
  },
  { weight: 1, arbitrary: notAnInput(stepPath(RUN_ID, "triage"), 256 * 1024, { status: [400] }) },
);

/** POST /api/audit/heads: a note that is no note. A body of JSON null (or none) means "no note", a good request. */
export const signHeadCases: fc.Arbitrary<HttpCase> = fc.oneof(
  { weight: 7, arbitrary: oneFieldWrong("/api/audit/heads", { note: "ok" }, { note: fc.oneof(jsonNotAString, tooLong(500), secret) }, 3_000) },
  { weight: 3, arbitrary: notAnInput("/api/audit/heads", 16 * 1024, { status: [400], field: "_form" }) },
);

const HEAD = { format: "orchestrator-audit-head/v1", id: "1", seq: "1", hash: "0".repeat(64), hmac: "0".repeat(64) };
/** What each field of an exported head accepts: a generated value that passes is no wrong value. */
const HEAD_FIELD_OK: Record<string, (v: unknown) => boolean> = {
  format: (v) => v === HEAD.format,
  seq: (v) => typeof v === "string" && /^\d{1,18}$/.test(v),
  hash: (v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v),
  hmac: (v) => typeof v === "string" && /^[0-9a-f]{64}$/.test(v),
};
const wrongHead = fc.oneof(
  fc.constantFrom(...Object.keys(HEAD_FIELD_OK)).chain((f) =>
    fc
      .oneof(jsonNotAString, hostileText())
      .filter((v) => !HEAD_FIELD_OK[f](v))
      .map((v) => ({ ...HEAD, [f]: v })),
  ),
  fc.constantFrom(...Object.keys(HEAD_FIELD_OK)).map((f) => Object.fromEntries(Object.entries(HEAD).filter(([k]) => k !== f))),
);

/** POST /api/audit/heads/verify: a head with a field wrong or missing, alone or in a bundle, other JSON, or no JSON. */
export const verifyHeadCases: fc.Arbitrary<HttpCase> = fc.oneof(
  { weight: 5, arbitrary: wrongHead.map((h) => ({ request: post("/api/audit/heads/verify", json(h)), expect: { status: [400], field: "head" } })) },
  { weight: 2, arbitrary: wrongHead.map((h) => ({ request: post("/api/audit/heads/verify", json({ chainProof: { head: h }, events: [] })), expect: { status: [400], field: "head" } })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ request: post("/api/audit/heads/verify", json(v)), expect: { status: [400], field: "head" } })) },
  { weight: 1, arbitrary: notAnInput("/api/audit/heads/verify", 1024 * 1024, { status: [400], field: "head" }) },
);

/** POST /api/alerts/alertmanager with the right token: a field of the payload or of an alert wrong, or no payload. */
export const webhookCases: fc.Arbitrary<HttpCase> = fc.oneof({ weight: 9, arbitrary: fc.oneof(payloadFieldWrong, alertFieldWrong) }, { weight: 1, arbitrary: notAPayload }).map((c) => ({
  request: { method: "POST", path: "/api/alerts/alertmanager", headers: { authorization: `Bearer ${ALERT_TOKEN}`, "content-type": "application/json", ...c.headers }, body: c.body },
  expect: { status: c.status, message: c.names },
}));

/** GET /api/audit/events: any generated query string; a bad one is refused naming its first bad key. */
export const auditEventsCases: fc.Arbitrary<HttpCase> = auditQuery().map((q) => ({
  request: { method: "GET", path: `/api/audit/events?${q.text}`, headers: {} },
  expect: q.invalid.length ? { status: [400], field: q.invalid[0] } : { status: [200], check: (body) => Array.isArray(body.events) },
}));

/** GET /api/audit/export: bad query strings only (a good one records an export). */
export const exportCases: fc.Arbitrary<HttpCase> = exportQuery(true).map((q) => ({
  request: { method: "GET", path: `/api/audit/export?${q.text}`, headers: {} },
  expect: { status: [400], field: q.invalid[0] },
}));

/** Checks an answer against its case; returns what is wrong, or null. */
export function verdict(c: HttpCase, status: number, text: string): string | null {
  if (!c.expect.status.includes(status)) return `status ${status}, expected ${c.expect.status.join(" or ")}`;
  let body: { message?: string; fieldErrors?: Record<string, string[]> } & Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return "the answer is not JSON";
  }
  if (status >= 400 && !body.message) return "a refusal without a message";
  if (c.expect.field && !Object.keys(body.fieldErrors ?? {}).some((k) => k === c.expect.field || k.startsWith(`${c.expect.field}.`))) return `fieldErrors do not name ${c.expect.field}`;
  if (c.expect.message && !body.message?.includes(c.expect.message)) return `the message does not say "${c.expect.message}"`;
  if (c.expect.check && !c.expect.check(body)) return "the answer is not what a good request gets";
  return null;
}
