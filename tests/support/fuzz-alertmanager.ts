/**
 * Generated Alertmanager webhook bodies (payload version 4) for the fuzz tests: well-formed notifications with
 * hostile text wherever the schema lets text through, and malformed bodies, each with the statuses the webhook may
 * answer and the text its message must contain (the field's path). Used by tests/integration/fuzz-alertmanager.test.ts
 * and e2e/fuzz.multi.spec.ts.
 */
import fc from "fast-check";
import { deepJson, defineOwn, hostileText, hugeText, jsonNotAString, PROTO_KEYS } from "./fuzz";

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
export const notification = (huge: boolean) =>
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

export type WebhookCase = { body: string; headers?: Record<string, string>; status: number[]; names: string };

/** Bodies with one field of the payload wrong (and sometimes an unknown field nested thousands of levels deep). */
const oneFieldWrong = (fields: Field[]): fc.Arbitrary<WebhookCase> =>
  fc
    .tuple(wellFormed, fc.nat({ max: fields.length - 1 }).chain((i) => fc.tuple(fc.constant(fields[i]), fields[i].invalid)), fc.option(fc.integer({ min: 10, max: 20_000 }), { nil: undefined }), fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))
    .map(([payload, [field, bad], depth, extra]): WebhookCase => {
      const value = JSON.parse(JSON.stringify({ ...extra, ...payload }));
      setPath(value, field.path, bad);
      const text = JSON.stringify(value);
      return { body: depth ? withDeepField(text, depth) : text, status: [400], names: field.path };
    });

/** Bodies that are no payload at all: other JSON, deep nesting, not JSON, not declared as JSON, too large. */
function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export const notAPayload: fc.Arbitrary<WebhookCase> = fc.oneof(
  fc.oneof(jsonNotAString, hostileText()).map((v): WebhookCase => ({ body: JSON.stringify(v), status: [400], names: "payload" })),
  fc.tuple(fc.integer({ min: 10, max: 20_000 }), fc.constantFrom("array" as const, "object" as const)).map(([depth, kind]): WebhookCase => ({ body: deepJson(depth, kind), status: [400], names: "payload" })),
  // "{" and any text is usually not JSON, but "{" + "}" is: such a body is an empty payload, refused for its fields.
  hostileText({ minLength: 1 })
    .filter((s) => !parses(`{${s}`))
    .map((s): WebhookCase => ({ body: `{${s}`, status: [400], names: "JSON" })),
  fc.integer({ min: 10, max: 50_000 }).map((n): WebhookCase => ({ body: "[".repeat(n), status: [400], names: "JSON" })),
  wellFormed.map((p): WebhookCase => ({ body: JSON.stringify(p), headers: { "content-type": "text/plain" }, status: [415], names: "Content-Type" })),
  fc.constant<WebhookCase>({ body: `{"version":"4","pad":"${"x".repeat(1024 * 1024)}"}`, status: [413], names: "larger than" }),
);

/** Bodies with one top-level field of the payload wrong, or one field of its first alert. */
export const payloadFieldWrong = oneFieldWrong(FIELDS.filter((f) => !f.path.startsWith("alerts.")));
export const alertFieldWrong = oneFieldWrong(FIELDS.filter((f) => f.path.startsWith("alerts.")));
