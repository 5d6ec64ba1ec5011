/**
 * Fuzzing every action (issue 15, item 7): for each definition made with defineAction/defineSqlAction, 1,000
 * generated malformed inputs (wrong types, hostile and huge strings, deep nesting, `__proto__` keys, repeated and
 * unknown form fields) from a person allowed to act must come back as INVALID naming the field and write nothing;
 * well-formed inputs carrying NUL, lone surrogates and 100 KB strings must never fail as INTERNAL.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";

process.env.AUDIT_HMAC_KEY = "fuzz-audit-key-0123456789abcdef";
vi.mock("server-only", () => ({}));

import { executeAction, formDataToObject, type AnyActionDefinition } from "@/lib/actions/safe-action";
import type { ActionResult } from "@/lib/actions/result";
import { verifyChain } from "@/lib/audit/log";
import { exportHead } from "@/lib/audit/heads";
import { can } from "@/lib/auth/permissions";
import { ROLES, type Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import { RUNBOOK_ID } from "@/lib/runbooks/schema";
import { DRILL_SCENARIOS } from "@/lib/runs/drills";
import { ACTION_PATTERN, OUTCOMES } from "@/lib/validation/audit";
import { fakeSecrets } from "@/lib/validation/fake-secrets";
import { REPO_NAME_PATTERN } from "@/lib/onboarding/workflow";
import * as accessActions from "@/lib/access/actions";
import { accessReviewQuerySchema, addPersonSchema } from "@/lib/validation/access";
import * as auditActions from "@/lib/audit/actions";
import * as incidentActions from "@/lib/incidents/actions";
import * as onboardingActions from "@/lib/onboarding/actions";
import * as runActions from "@/lib/runs/actions";
import * as startRun from "@/lib/runs/start-run";
import * as decideCommand from "@/lib/control-plane/decide-command";
import * as followUpActions from "@/lib/followups/actions";
import * as reviewActions from "@/lib/reviews/actions";
import { dueDateSchema } from "@/lib/validation/followups";
import { defineOwn, hostileField, hostileText, hugeText, notAString, PROTO_KEYS, unknownFields, withExtras } from "../support/fuzz";
import { actorByEmail, useFreshDatabase } from "./db";
import { footprint as countRows, tablesOf } from "../support/footprint";

// Hundreds of generated requests per test: 2-12 s on an idle machine, 30 s and more when the two cores are saturated.
vi.setConfig({ testTimeout: 120_000 });

const RUNS = 1_000;
const HOSTILE_RUNS = 120;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Arb = fc.Arbitrary<unknown>;

/** One input field: valid values, values the schema must refuse, and the same as form text where a form can carry them. */
type Field = {
  /** The input key (a dotted path for a nested field: filter.from), and the form key. */
  name: string;
  /** The fieldErrors key it is reported under, when not `name` (param.reason → values.reason). */
  error?: string;
  valid: Arb;
  /** As form text; absent when a form leaves it out (or cannot carry it). */
  validText?: fc.Arbitrary<string>;
  invalid: Arb;
  invalidText?: fc.Arbitrary<string>;
  required?: boolean;
  /** A second value under the same form key may be accepted (a list). */
  repeatable?: boolean;
};

// ---- invalid values by kind --------------------------------------------------------------------------------------

const ascii = (max = 40) => fc.string({ maxLength: max });
const nonBlank = (a: fc.Arbitrary<string>) => a.filter((s) => s.trim() !== "");
/** Strings `ok` refuses: hostile, huge and plain ones. */
const stringsNot = (ok: (s: string) => boolean) => fc.oneof(hostileText(), hugeText(), ascii()).filter((s) => !ok(s));
/** More than `max` code points (what zod counts) after trimming, with NUL, surrogates, accents or emoji inside. */
const tooLong = (max: number) =>
  fc.record({ extra: fc.integer({ min: 1, max: 3_000 }), fill: fc.constantFrom("x", "\u0000x", "\uD800", "é", "\u{1F600}"), inner: hostileText({ maxLength: 10 }) }).map(({ extra, fill, inner }) => `a${inner}${fill.repeat(max + extra)}a`);
/** Shorter than `min` after trimming (padded with whitespace that trimming removes). */
const tooShort = (min: number) => fc.string({ unit: "grapheme-ascii", maxLength: Math.max(0, min - 1) }).map((s) => ` \n${s.trim()}\t `);
const secrets = Object.values(fakeSecrets);
const secretText = fc.tuple(fc.constantFrom(...secrets), ascii(10)).map(([s, pad]) => `See ${s} ${pad}`);
/** Not a string, and not a value any field reads as "left out". */
const present = (a: Arb) => a.filter((v) => v !== undefined);
const notBoolean = notAString.filter((v) => typeof v !== "boolean");
/** Arrays, records and other structures whose members are not strings (refused by string, list and number fields alike). */
const structures: Arb = notAString.filter((v) => typeof v === "object" && v !== null && !(Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")));

// ---- fields by kind ----------------------------------------------------------------------------------------------

const uuid = (name: string, opts: { optional?: boolean } = {}): Field => ({
  name,
  required: !opts.optional,
  valid: fc.uuid({ version: 4 }),
  validText: fc.uuid({ version: 4 }),
  invalid: fc.oneof(present(notAString), stringsNot((s) => UUID.test(s) || (Boolean(opts.optional) && s === ""))),
  invalidText: stringsNot((s) => UUID.test(s) || (Boolean(opts.optional) && s === "")),
});

const pattern = (name: string, re: RegExp, valid: fc.Arbitrary<string>, opts: { trim?: boolean; optional?: boolean } = {}): Field => {
  const ok = (s: string) => re.test(opts.trim ? s.trim() : s) || (Boolean(opts.optional) && s === "");
  return { name, required: !opts.optional, valid, validText: valid, invalid: fc.oneof(present(notAString), stringsNot(ok)), invalidText: stringsNot(ok) };
};

const choice = (name: string, values: readonly string[], opts: { optional?: boolean } = {}): Field => ({
  name,
  required: !opts.optional,
  valid: fc.constantFrom(...values),
  validText: fc.constantFrom(...values),
  invalid: fc.oneof(present(notAString), stringsNot((s) => values.includes(s))),
  invalidText: stringsNot((s) => values.includes(s)),
});

/** Free text people type (trimmed, `min`..`max` characters, credentials refused when `secret`). */
const text = (name: string, opts: { min?: number; max: number; required?: boolean; secret?: boolean; error?: string }): Field => {
  const min = opts.min ?? 0;
  const bad = [tooLong(opts.max), ...(opts.secret === false ? [] : [secretText]), ...(opts.required && min > 0 ? [tooShort(min)] : [])];
  return {
    name,
    error: opts.error,
    required: opts.required,
    valid: hostileField(Math.max(min, 1), opts.max),
    validText: hostileField(Math.max(min, 1), opts.max),
    invalid: fc.oneof(present(notAString), ...bad),
    invalidText: fc.oneof(...bad),
  };
};

const runsCheckbox = (name: string): Field => ({
  name,
  valid: fc.constantFrom(false, "false", ""),
  validText: fc.constantFrom("false", ""),
  invalid: fc.oneof(present(notBoolean), stringsNot((s) => ["on", "true", "false", ""].includes(s))),
  invalidText: stringsNot((s) => ["on", "true", "false", ""].includes(s)),
});

/** A box that must be ticked (the onboarding checklist). */
const mustTick = (name: string): Field => ({
  name,
  required: true,
  valid: fc.constantFrom(true, "on", "true"),
  validText: fc.constantFrom("on", "true"),
  invalid: fc.oneof(present(notAString).filter((v) => v !== true), fc.constant(false), stringsNot((s) => s === "on" || s === "true")),
  invalidText: stringsNot((s) => s === "on" || s === "true"),
});

const nonNumeric = nonBlank(hostileText()).map((s) => `x${s}`);
const wholeNumber = (name: string, min: number, max: number): Field => ({
  name,
  required: true,
  valid: fc.integer({ min, max }),
  validText: fc.integer({ min, max }).map(String),
  invalid: fc.oneof(structures, fc.boolean(), fc.constant(null), fc.integer({ min: max + 1 }), fc.integer({ max: min - 1 }), fc.double({ min: min + 0.01, max: max - 0.01, noInteger: true }), nonNumeric),
  invalidText: fc.oneof(nonNumeric, fc.integer({ min: max + 1 }).map(String)),
});

const dollars = (name: string): Field => ({
  name,
  required: true,
  valid: fc.integer({ min: 0, max: 1_000_000 }).map((c) => c / 100),
  validText: fc.integer({ min: 0, max: 1_000_000 }).map((c) => `$${(c / 100).toFixed(2)}`),
  invalid: fc.oneof(structures, fc.boolean(), fc.constant(null), fc.integer({ min: 10_001 }), fc.integer({ max: -1 }), fc.constantFrom(0.001, 1.005, 3.14159), nonNumeric),
  invalidText: fc.oneof(nonNumeric, fc.constantFrom("-1", "10000.01", "1.001", "NaN", "Infinity")),
});

const contactValue = fc.constantFrom("rui@ops.example", "#payments", "@oncall", "rui@ops.example, #payments");
const contacts = (name: string): Field => ({
  name,
  required: true,
  repeatable: true,
  valid: contactValue,
  validText: contactValue,
  invalid: fc.oneof(structures, fc.integer(), fc.boolean(), fc.constant([]), fc.constant(Array.from({ length: 11 }, (_, i) => `#c${i}`)), hostileText().map((s) => `!${s}`), secretText),
  invalidText: fc.oneof(hostileText().map((s) => `!${s}`), secretText),
});

const httpsUrl = fc.constantFrom("https://github.com/acme/payments-api", "https://git.example.com/acme/x");
const notHttpsUrl = fc.oneof(fc.constantFrom("http://github.com/acme/x", "ftp://github.com/x", "javascript:alert(1)", "https://user:pw@github.com/x", "https://localhost/x", "//github.com/x"), hostileText().map((s) => `::${s}`));

// Audit filter fields (shared by the export action here and the query-string fuzz).
const notADate = nonBlank(fc.oneof(fc.constantFrom("yesterday", "2026-13-45", "2026-02-30T25:61", "not a date", "\u0000", "2026-01-01T00:00\u0000"), hostileText().map((s) => `q${s}`))).filter((s) => {
  const t = s.trim();
  return Number.isNaN(new Date(t).getTime()) && Number.isNaN(new Date(`${t}Z`).getTime());
});
const instantField = (name: string): Field => ({ name, valid: fc.constantFrom(undefined, "", "2026-01-01", "2026-11-28T09:30"), invalid: fc.oneof(present(notAString).filter((v) => !(v instanceof Date)), notADate) });
const filterText = (name: string, max: number): Field => ({ name, valid: fc.option(hostileText({ maxLength: 20 }), { nil: undefined }), invalid: fc.oneof(present(notAString), tooLong(max)) });
const filterPattern = (name: string, ok: (s: string) => boolean): Field => ({ name, valid: fc.constant(undefined), invalid: fc.oneof(present(notAString), nonBlank(stringsNot((s) => ok(s.trim())))) });
const FILTER_FIELDS: Field[] = [
  instantField("filter.from"),
  instantField("filter.to"),
  filterText("filter.actor", 320),
  filterPattern("filter.role", (s) => (ROLES as readonly string[]).includes(s)),
  filterPattern("filter.action", (s) => s.length <= 200 && ACTION_PATTERN.test(s)),
  filterPattern("filter.targetType", (s) => s.length <= 64 && /^[a-z0-9_.-]+$/i.test(s)),
  filterText("filter.targetId", 200),
  filterPattern("filter.incident", (s) => UUID.test(s)),
  filterPattern("filter.run", (s) => UUID.test(s)),
  filterPattern("filter.outcome", (s) => (OUTCOMES as readonly string[]).includes(s)),
  filterPattern("filter.q", (s) => s.length <= 200 && /[A-Za-z0-9]{3}/.test(s)),
];

const runId = () => uuid("runId");
const stepId = () => pattern("stepId", /^[a-z0-9]+(-[a-z0-9]+)*$/, fc.constantFrom("triage", "diagnosis", "verification"));
const reason = (name = "reason") => text(name, { min: 3, max: 2000, required: true });

// Access administration fields (lib/validation/access.ts is the oracle for what an email and a day are).
const accepts = (schema: { safeParse: (v: unknown) => { success: boolean } }) => (s: string) => schema.safeParse(s).success;
const emailField: Field = {
  name: "email",
  required: true,
  valid: fc.constantFrom("kai.berg@ops.example", " Kai.Berg@Ops.Example "),
  validText: fc.constantFrom("kai.berg@ops.example"),
  invalid: fc.oneof(present(notAString), stringsNot(accepts(addPersonSchema.shape.email))),
  invalidText: stringsNot(accepts(addPersonSchema.shape.email)),
};
const roleValues = [...ROLES];
const rolesField: Field = {
  name: "roles",
  required: true,
  repeatable: true,
  valid: fc.constantFrom("SRE", ["PRODUCT"], ["AUDITOR", "SRE"]),
  validText: fc.constantFrom(...roleValues),
  invalid: fc.oneof(structures, fc.integer(), fc.boolean(), fc.constant([]), stringsNot((s) => roleValues.includes(s as never)), fc.constant(["SRE", "ROOT"])),
  invalidText: stringsNot((s) => roleValues.includes(s as never)),
};
const reviewDate: Field = {
  name: "date",
  valid: fc.constantFrom(undefined, "", "2026-11-03"),
  validText: fc.constantFrom("", "2026-11-03"),
  invalid: fc.oneof(present(notAString), stringsNot(accepts(accessReviewQuerySchema.shape.date))),
  invalidText: stringsNot(accepts(accessReviewQuerySchema.shape.date)),
};

// ---- the actions -------------------------------------------------------------------------------------------------

type Who = "sre" | "ic" | "owner" | "auditor" | "infosec";
type Fixtures = { liveRun: string; skippable: string; abortable: string; endedRun: string; incident: string; onboarding: string; headJson: string; person: string; accessRequest: string };

type Spec = {
  def: AnyActionDefinition<never, unknown, unknown>;
  who: Who;
  fields: Field[];
  /** Server actions take FormData: also fuzzed through formDataToObject. */
  form: boolean;
  /** Well-formed input with hostile strings, aimed at real objects where the action writes. */
  hostile: (fx: Fixtures) => fc.Arbitrary<Record<string, unknown>>;
  /** Fewer hostile runs for actions that walk the whole chain each time. */
  hostileRuns?: number;
};

const spec = (def: unknown, who: Who, fields: Field[], hostile: Spec["hostile"], form = true): Spec => ({ def: def as Spec["def"], who, fields, form, hostile });
const withHostileRuns = (hostileRuns: number, s: Spec): Spec => ({ ...s, hostileRuns });
const some = <T,>(real: T, arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(real), weight: 3 }, { arbitrary: arb, weight: 1 });
const optional = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const steps = fc.constantFrom("triage", "diagnosis", "resolution", "verification", "no-such-step");
const anyHex = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });
const newUuid = fc.uuid({ version: 4 });

const SPECS: Record<string, Spec> = {
  startRunAction: spec(
    startRun.startRunAction,
    "sre",
    [
      pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-001", "RB-LAUNCH-002"), { trim: true }),
      runsCheckbox("drill"),
      { ...choice("scenario", ["", ...DRILL_SCENARIOS], { optional: true }), valid: fc.constantFrom(undefined, ""), validText: fc.constant("") },
      { ...uuid("incidentId", { optional: true }), valid: fc.constantFrom(undefined, "") , validText: fc.constant("") },
      pattern("flowId", /^[\w.:-]{1,100}$/, fc.constantFrom("flow-123abc", ""), { trim: true, optional: true }),
    ],
    (fx) =>
      fc.record({
        runbookId: fc.constantFrom(" RB-CORE-001\n", "RB-CORE-999", "RB-LAUNCH-999", "RB-CORE-999"),
        drill: fc.constantFrom(false, true, "on", ""),
        scenario: fc.constantFrom(undefined, "", "mass-failure"),
        incidentId: fc.constantFrom(undefined, "", fx.incident, "00000000-0000-4000-8000-000000000000"),
        flowId: optional(fc.stringMatching(/^[\w.:-]{1,100}$/)),
      }),
  ),
  signStepAction: spec(runActions.signStepAction, "sre", [runId(), stepId(), text("notes", { max: 4000 })], (fx) =>
    fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, notes: optional(hostileField(1, 4000)) }),
  ),
  requestStepAction: spec(
    runActions.requestStepAction,
    "sre",
    [
      runId(),
      stepId(),
      {
        name: "values",
        valid: fc.constant({}),
        invalid: fc.oneof(
          fc.integer(),
          fc.boolean(),
          nonBlank(hostileText()),
          fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
          fc.tuple(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "__proto__"), present(notAString)).map(([k, v]) => defineOwn({ ok: "fine" }, k, v)),
        ),
      },
      { ...text("param.reason", { max: 2000 }), error: "values.reason" },
    ],
    (fx) => fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, values: fc.dictionary(hostileText({ maxLength: 8 }), hostileField(1, 2000), { maxKeys: 3 }) }),
  ),
  approveStepAction: spec(runActions.approveStepAction, "sre", [runId(), stepId(), pattern("requestHash", /^[0-9a-f]{64}$/, anyHex)], (fx) =>
    fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, requestHash: anyHex }),
  ),
  decideStepAction: spec(
    runActions.decideStepAction,
    "sre",
    [
      runId(),
      stepId(),
      choice("outcome", ["GO", "NO_GO"]),
      reason(),
      { name: "checked", repeatable: true, valid: fc.constantFrom(undefined, "c1", ["c1", "c2"]), invalid: fc.oneof(structures, fc.integer(), fc.boolean(), fc.constant(null)) },
    ],
    (fx) => fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, outcome: fc.constantFrom("GO", "NO_GO"), reason: hostileField(3, 2000), checked: fc.array(hostileText({ maxLength: 10 }), { maxLength: 3 }) }),
  ),
  skipStepAction: spec(runActions.skipStepAction, "ic", [runId(), stepId(), reason()], (fx) => fc.record({ runId: some(fx.skippable, newUuid), stepId: steps, reason: hostileField(3, 2000) })),
  abortRunAction: spec(runActions.abortRunAction, "ic", [runId(), reason()], (fx) => fc.record({ runId: some(fx.abortable, newUuid), reason: hostileField(3, 2000) })),
  addEvidenceAction: spec(
    runActions.addEvidenceAction,
    "sre",
    [
      runId(),
      stepId(),
      text("text", { min: 1, max: 4000, required: true }),
      { name: "url", valid: fc.constantFrom(undefined, "", "https://grafana.example.com/d/x"), validText: fc.constant(""), invalid: fc.oneof(present(notAString), notHttpsUrl.filter((u) => !u.startsWith("http://") && !u.startsWith("https://"))), invalidText: notHttpsUrl.filter((u) => !u.startsWith("http")) },
    ],
    (fx) => fc.record({ runId: some(fx.liveRun, newUuid), stepId: steps, text: hostileField(1, 4000), url: fc.constantFrom(undefined, "", "https://grafana.example.com/d/x?q=%00") }),
  ),
  decideCommandAction: spec(decideCommand.decideCommandAction, "sre", [uuid("commandId"), choice("decision", ["retry", "abandon"]), reason()], () =>
    fc.record({ commandId: newUuid, decision: fc.constantFrom("retry", "abandon"), reason: hostileField(3, 2000) }),
  ),
  escalateRunAction: spec(runActions.escalateRunAction, "sre", [runId(), reason()], (fx) => fc.record({ runId: some(fx.liveRun, newUuid), reason: hostileField(3, 2000) })),
  saveRcaAction: spec(runActions.saveRcaAction, "sre", [runId(), text("markdown", { min: 20, max: 200_000, required: true })], (fx) =>
    fc.record({ runId: some(fx.endedRun, newUuid), markdown: fc.oneof(hostileField(20, 4000), hugeText().map((s) => `# RCA ${s} end`)) }),
  ),
  declareIncidentAction: spec(
    incidentActions.declareIncidentAction,
    "sre",
    [
      text("title", { min: 5, max: 200, required: true }),
      choice("severity", ["P1", "P2", "P3"]),
      text("summary", { max: 4000 }),
      pattern("suggestedRunbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-001", ""), { optional: true }),
    ],
    () => fc.record({ title: hostileField(5, 200), severity: fc.constantFrom("P1", "P2", "P3"), summary: optional(hostileField(1, 4000)), suggestedRunbookId: fc.constantFrom(undefined, "", "RB-CORE-004", "RB-CORE-999") }),
  ),
  setIncidentStatusAction: spec(
    incidentActions.setIncidentStatusAction,
    "sre",
    [uuid("incidentId"), choice("status", ["OPEN", "MITIGATED", "RESOLVED"]), text("note", { max: 2000 })],
    (fx) => fc.record({ incidentId: some(fx.incident, newUuid), status: fc.constantFrom("OPEN", "MITIGATED", "RESOLVED"), note: optional(hostileField(1, 2000)) }),
  ),
  takeCommandAction: spec(incidentActions.takeCommandAction, "ic", [uuid("incidentId")], (fx) => fc.record({ incidentId: some(fx.incident, newUuid) })),
  verifyChainAction: withHostileRuns(40, spec(auditActions.verifyChainAction, "sre", [], () => unknownFields.map((extra) => withExtras({}, extra)))),
  signHeadAction: spec(auditActions.signHeadAction, "auditor", [text("note", { max: 500 })], () => fc.record({ note: optional(hostileField(1, 500)) })),
  verifyHeadAction: withHostileRuns(40, spec(
    auditActions.verifyHeadAction,
    "auditor",
    [
      {
        name: "head",
        required: true,
        valid: fc.constant('{"format":"orchestrator-audit-head/v1","seq":"1","hash":"' + "0".repeat(64) + '","hmac":"' + "0".repeat(64) + '"}'),
        invalid: fc.oneof(
          present(notAString),
          hostileText().map((s) => `{${s}`),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.record({ format: fc.constant("orchestrator-audit-head/v1"), seq: fc.oneof(fc.integer(), ascii()), hash: ascii(), hmac: anyHex }).map((h) => JSON.stringify(h)),
          fc.constant("x".repeat(900_001)),
          fc.constantFrom("", "   "),
        ),
        invalidText: fc.oneof(hostileText().map((s) => `{${s}`), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))),
      },
    ],
    (fx) =>
      fc.record({
        extra: hostileText({ maxLength: 30 }),
        pad: fc.oneof(fc.constant(""), hugeText()),
        wrap: fc.boolean(),
      }).map(({ extra, pad, wrap }) => {
        const head = { ...JSON.parse(fx.headJson), reason: `${extra}${pad}`, at: extra, [extra]: extra };
        return { head: JSON.stringify(wrap ? { chainProof: { head }, other: extra } : head) };
      }),
  )),
  exportAuditAction: spec(
    auditActions.exportAuditAction,
    "auditor",
    [choice("format", ["csv", "jsonl"]), { name: "filter", required: true, valid: fc.constant({}), invalid: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), nonBlank(hostileText()), fc.array(fc.string(), { minLength: 1, maxLength: 3 })) }, ...FILTER_FIELDS],
    () =>
      fc.record({
        format: fc.constantFrom("csv", "jsonl"),
        filter: fc.record({ actor: optional(hostileText({ maxLength: 40 })), targetId: optional(hostileText({ maxLength: 40 })), q: optional(hostileText({ maxLength: 40 }).map((s) => `abc${s}`)), from: fc.constantFrom(undefined, "2026-01-01") }),
      }),
    false,
  ),
  exportBundleAction: spec(auditActions.exportBundleAction, "auditor", [uuid("incidentId"), choice("format", ["json", "md"])], (fx) =>
    fc.record({ incidentId: some(fx.incident, newUuid), format: fc.constantFrom("json", "md") }),
  ),
  requestOnboardingAction: spec(
    onboardingActions.requestOnboardingAction,
    "owner",
    [
      uuid("submissionKey"),
      pattern("repoName", REPO_NAME_PATTERN, fc.constantFrom("payments-api", "x.y_z"), { trim: true }),
      { name: "repoUrl", required: true, valid: httpsUrl, validText: httpsUrl, invalid: fc.oneof(present(notAString), notHttpsUrl), invalidText: notHttpsUrl },
      text("team", { min: 2, max: 100, required: true }),
      contacts("ownerContacts"),
      contacts("alertContacts"),
      choice("targetPhase", ["PHASE_6", "PHASE_7"]),
      wholeNumber("expectedFlowsPerDay", 1, 10_000),
      dollars("estimatedDailySpendUsd"),
      mustTick("trainingCompleted"),
      mustTick("cicdReady"),
      mustTick("apiAccessRequested"),
    ],
    () =>
      fc.record({
        submissionKey: newUuid,
        repoName: fc.stringMatching(/^[a-z][a-z0-9-]{3,30}$/),
        repoUrl: httpsUrl,
        team: hostileField(2, 100),
        ownerContacts: contactValue,
        alertContacts: fc.constantFrom("#alerts", ["#alerts", "@oncall"]),
        targetPhase: fc.constantFrom("PHASE_6", "PHASE_7"),
        expectedFlowsPerDay: fc.constantFrom("6", 12, " 40 "),
        estimatedDailySpendUsd: fc.constantFrom("3.50", 1, "$2"),
        trainingCompleted: fc.constant("on"),
        cicdReady: fc.constant(true),
        apiAccessRequested: fc.constant("true"),
      }),
  ),
  approveOnboardingAction: spec(
    onboardingActions.approveOnboardingAction,
    "sre",
    [uuid("onboardingId"), { name: "acknowledgeFlags", valid: fc.constantFrom(undefined, true, "on"), validText: fc.constant("on"), invalid: present(notBoolean) }, text("note", { max: 2000 })],
    (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid), acknowledgeFlags: fc.constantFrom(undefined, "on", hostileText()), note: optional(hostileField(1, 2000)) }),
  ),
  sendBackOnboardingAction: spec(onboardingActions.sendBackOnboardingAction, "sre", [uuid("onboardingId"), reason()], (fx) =>
    fc.record({ onboardingId: some(fx.onboarding, newUuid), reason: hostileField(3, 2000) }),
  ),
  runFirstFlowAction: spec(onboardingActions.runFirstFlowAction, "owner", [uuid("onboardingId")], (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid) })),
  verifyTelemetryAction: spec(onboardingActions.verifyTelemetryAction, "owner", [uuid("onboardingId")], (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid) })),
  confirmTrainingAction: spec(onboardingActions.confirmTrainingAction, "owner", [uuid("onboardingId")], (fx) => fc.record({ onboardingId: some(fx.onboarding, newUuid) })),
  addPersonAction: spec(accessActions.addPersonAction, "infosec", [emailField, text("name", { min: 1, max: 200, required: true }), rolesField, text("reason", { max: 500 })], () =>
    fc.record({ email: fc.stringMatching(/^[a-z]{1,12}\.[a-z]{1,12}@ops\.example$/), name: hostileField(1, 200), roles: fc.constantFrom("PRODUCT", ["SRE"], ["AUDITOR", "BUSINESS"]), reason: optional(hostileField(1, 500)) }),
  ),
  grantRoleAction: spec(accessActions.grantRoleAction, "infosec", [uuid("personId"), choice("role", roleValues), text("reason", { max: 500 })], (fx) =>
    fc.record({ personId: some(fx.person, newUuid), role: fc.constantFrom(...roleValues), reason: optional(hostileField(1, 500)) }),
  ),
  revokeRoleAction: spec(accessActions.revokeRoleAction, "infosec", [uuid("personId"), choice("role", roleValues)], (fx) =>
    fc.record({ personId: some(fx.person, newUuid), role: fc.constantFrom(...roleValues) }),
  ),
  decideGrantAction: spec(accessActions.decideGrantAction, "infosec", [uuid("requestId"), choice("decision", ["approve", "reject"])], (fx) =>
    fc.record({ requestId: some(fx.accessRequest, newUuid), decision: fc.constantFrom("approve", "reject") }),
  ),
  setDisabledAction: spec(accessActions.setDisabledAction, "infosec", [uuid("personId"), choice("state", ["disabled", "enabled"])], (fx) =>
    fc.record({ personId: some(fx.person, newUuid), state: fc.constantFrom("disabled", "enabled") }),
  ),
  addFollowUpAction: spec(
    followUpActions.addFollowUpAction,
    "sre",
    [
      uuid("runId", { optional: true }),
      { ...uuid("incidentId", { optional: true }), valid: fc.constantFrom(undefined, ""), validText: fc.constant("") },
      text("title", { min: 3, max: 300, required: true }),
      uuid("ownerId"),
      { name: "dueOn", required: true, valid: fc.constantFrom("2026-12-31", "2028-02-29"), validText: fc.constant("2026-12-31"), invalid: fc.oneof(present(notAString), stringsNot(accepts(dueDateSchema)), fc.constantFrom("2026-02-30", "2026-13-01")), invalidText: stringsNot(accepts(dueDateSchema)) },
      pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-001", ""), { trim: true, optional: true }),
      { ...pattern("stepId", /^[a-z0-9]+(-[a-z0-9]+)*$/, fc.constantFrom(""), { optional: true }), valid: fc.constantFrom(undefined, "") },
    ],
    (fx) =>
      fc.record({
        runId: some(fx.endedRun, newUuid),
        title: hostileField(3, 300),
        ownerId: some(fx.person, newUuid),
        dueOn: fc.constantFrom("2026-12-31", "2025-01-01"),
        runbookId: fc.constantFrom(undefined, "", "RB-CORE-001", "RB-CORE-999"),
        stepId: fc.constantFrom(undefined, "", "triage", "no-such-step"),
      }).map((r) => (r.stepId && !r.runbookId ? { ...r, runbookId: "RB-CORE-001" } : r)),
  ),
  closeFollowUpAction: spec(
    followUpActions.closeFollowUpAction,
    "sre",
    [
      uuid("followUpId"),
      choice("outcome", ["done", "wont-do"]),
      { ...pattern("changelogKey", /^[0-9a-f]{12}$/, fc.constantFrom(""), { optional: true }), valid: fc.constantFrom(undefined, "") },
      text("reason", { max: 2000 }),
    ],
    () => fc.record({ followUpId: newUuid, version: fc.constantFrom(0, "0", 3), outcome: fc.constantFrom("done", "wont-do"), changelogKey: fc.constantFrom(undefined, "", "0123456789ab"), reason: hostileField(3, 2000) }),
  ),
  recordReviewAction: spec(
    reviewActions.recordReviewAction,
    "sre",
    [
      pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-CORE-004", "RB-CORE-001"), { trim: true }),
      { ...choice("outcome", ["no-change", "changelog"]), valid: fc.constant("no-change"), validText: fc.constant("no-change") },
      { ...pattern("changelogKey", /^[0-9a-f]{12}$/, fc.constantFrom(""), { optional: true }), valid: fc.constantFrom(undefined, "") },
      text("note", { max: 2000 }),
    ],
    () => fc.record({ runbookId: fc.constantFrom("RB-CORE-004", "RB-CORE-001", "RB-CORE-999", "RB-CORE-005"), outcome: fc.constantFrom("no-change", "changelog"), changelogKey: fc.constantFrom(undefined, "", "0123456789ab"), note: optional(hostileField(1, 2000)) }),
  ),
  exportAccessReviewAction: spec(
    accessActions.exportAccessReviewAction,
    "auditor",
    [reviewDate, pattern("runbookId", RUNBOOK_ID, fc.constantFrom("RB-LAUNCH-002", ""), { optional: true })],
    () => fc.record({ date: fc.constantFrom(undefined, "", "2026-11-03", "2026-02-29"), runbookId: fc.constantFrom(undefined, "", "RB-LAUNCH-002", "RB-CORE-999", " RB-LAUNCH-002") }),
    false,
  ),
};

// ---- generated inputs --------------------------------------------------------------------------------------------

type Case = { input: unknown; expect: string[]; how: string };

const errorKey = (f: Field) => f.error ?? f.name;

/** Sets a dotted path in a plain object as own properties (so a key named __proto__ stays a key). */
function setPath(target: Record<string, unknown>, dotted: string, value: unknown) {
  const [head, ...rest] = dotted.split(".");
  if (rest.length === 0 || dotted.startsWith("param.")) {
    if (value === undefined) delete target[dotted];
    else defineOwn(target, dotted, value);
    return;
  }
  const inner = { ...((target[head] as Record<string, unknown>) ?? {}) };
  setPath(inner, rest.join("."), value);
  defineOwn(target, head, inner);
}

/** A valid input: one valid value per field. */
function validBase(fields: Field[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(...fields.map((f) => f.valid)).map((values) => {
    const out: Record<string, unknown> = {};
    fields.forEach((f, i) => setPath(out, f.name, values[i]));
    return out;
  });
}

/** Inputs that are not objects at all. */
const rootGarbage = fc.oneof(notAString, hostileText(), hugeText(), fc.constant(undefined));
/** Objects of any kind (a Map, a Date) stand for an empty input: refused only when some field is required. */
const notAnObject = rootGarbage.filter((v) => v === null || typeof v !== "object" || Array.isArray(v));

function jsonCases(s: Spec): fc.Arbitrary<Case> {
  const required = s.fields.filter((f) => f.required);
  const rootCase = (required.length ? rootGarbage : notAnObject).map((input): Case => ({ input, expect: ["_form", ...required.map(errorKey)], how: "not an object" }));
  if (s.fields.length === 0) return rootCase;
  const oneBad = fc
    .tuple(validBase(s.fields), fc.nat({ max: s.fields.length - 1 }).chain((i) => fc.tuple(fc.constant(s.fields[i]), s.fields[i].invalid)), unknownFields, fc.option(validBase(s.fields), { nil: undefined }))
    .map(([generated, [field, bad], extra, smuggled]): Case => {
      // A copy: fast-check reuses generated values while shrinking, so they must not be changed in place.
      const base = { ...generated };
      setPath(base, field.name, bad);
      const input = withExtras(base, extra);
      // Valid values for every field under an own __proto__ key must not stand in for the real ones.
      if (smuggled) defineOwn(input, "__proto__", smuggled);
      return { input, expect: [errorKey(field)], how: `${field.name} invalid` };
    });
  const cases: fc.Arbitrary<Case>[] = [rootCase, oneBad];
  if (required.length > 0) {
    const missing = fc.tuple(validBase(s.fields), fc.constantFrom(...required), unknownFields).map(([generated, field, extra]): Case => {
      const base = { ...generated };
      const smuggled = { ...generated };
      setPath(base, field.name, undefined);
      const input = withExtras(base, extra);
      defineOwn(input, "__proto__", smuggled);
      return { input, expect: [errorKey(field)], how: `${field.name} missing, offered under __proto__` };
    });
    cases.push(missing);
  }
  return fc.oneof({ arbitrary: rootCase, weight: 1 }, ...cases.slice(1).map((arbitrary) => ({ arbitrary, weight: 3 })));
}

const formNoise = fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS, "$ACTION_ID_0123", "$ACTION_REF_1", "$ACTION_1:0", "actorId", "roles", "x"), hostileText({ maxLength: 20 })), { maxLength: 5 });

/** What a form posts, through formDataToObject as the server actions read it. */
function formCases(s: Spec): fc.Arbitrary<Case> | null {
  const textFields = s.fields.filter((f) => f.validText !== undefined && (!f.name.includes(".") || f.name.startsWith("param.")));
  if (!s.form || textFields.length === 0) return null;
  const base = fc.tuple(...textFields.map((f) => f.validText!));
  const mutations: fc.Arbitrary<{ field: Field; entries: (valid: string[]) => [string, string][] }>[] = [];
  const bad = textFields.filter((f) => f.invalidText);
  if (bad.length) {
    mutations.push(
      fc.nat({ max: bad.length - 1 }).chain((i) =>
        bad[i].invalidText!.map((v) => ({ field: bad[i], entries: (valid: string[]) => textFields.map((f, j): [string, string] => [f.name, f === bad[i] ? v : valid[j]]) })),
      ),
    );
  }
  const single = textFields.filter((f) => !f.repeatable);
  if (single.length) {
    mutations.push(
      fc.tuple(fc.nat({ max: single.length - 1 }), hostileText({ maxLength: 10 })).map(([i, second]) => ({
        field: single[i],
        entries: (valid: string[]) => [...textFields.map((f, j): [string, string] => [f.name, valid[j]]), [single[i].name, second]],
      })),
    );
  }
  const required = textFields.filter((f) => f.required);
  if (required.length) {
    mutations.push(
      fc.constantFrom(...required).map((field) => ({
        field,
        entries: (valid: string[]) => [["__proto__", valid[textFields.indexOf(field)]], ...textFields.flatMap((f, j): [string, string][] => (f === field ? [] : [[f.name, valid[j]]]))],
      })),
    );
  }
  if (mutations.length === 0) return null;
  return fc.tuple(base, fc.oneof(...mutations), formNoise, fc.boolean()).map(([valid, { field, entries }, noise, noiseFirst]): Case => {
    const form = new FormData();
    const all = noiseFirst ? [...noise, ...entries(valid)] : [...entries(valid), ...noise];
    for (const [k, v] of all) form.append(k, v);
    return { input: formDataToObject(form), expect: [errorKey(field)], how: `form: ${field.name}` };
  });
}

function malformed(s: Spec): fc.Arbitrary<Case> {
  const form = formCases(s);
  return form ? fc.oneof({ arbitrary: jsonCases(s), weight: 3 }, { arbitrary: form, weight: 1 }) : jsonCases(s);
}

/** The same well-formed input as a form would post it (strings only, lists as repeated keys), with noise keys. */
function asForm(input: Record<string, unknown>, noise: [string, string][]): Record<string, unknown> {
  const form = new FormData();
  for (const [k, v] of noise) form.append(k, v);
  for (const [k, v] of Object.entries(input)) {
    if (typeof v === "string") form.append(k, v);
    else if (typeof v === "number") form.append(k, String(v));
    else if (v === true) form.append(k, "on");
    else if (Array.isArray(v)) for (const x of v) form.append(k, String(x));
    else if (v && typeof v === "object") for (const [pk, pv] of Object.entries(v)) form.append(`param.${pk}`, String(pv));
  }
  return formDataToObject(form);
}

// ---- the database ------------------------------------------------------------------------------------------------

let client: Db;
let people: Record<Who, Actor>;
let fx: Fixtures;
let tables: string[];

/** Rows in every table of the schema (the audit chain included). */
function footprint(): Promise<Record<string, number>> {
  return countRows(client, tables);
}

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  people = {
    sre: await actorByEmail(client, "sam.rivera@ops.example"),
    ic: await actorByEmail(client, "ines.carter@ops.example"),
    owner: await actorByEmail(client, "rui.costa@ops.example"),
    auditor: await actorByEmail(client, "ada.mensah@ops.example"),
    infosec: await actorByEmail(client, "omar.haddad@ops.example"),
  };
  tables = await tablesOf(client);
  const ok = <T,>(r: ActionResult<T>): T => {
    if (!r.ok) throw new Error(`fixture: ${r.code} ${r.message}`);
    return r.data;
  };
  const start = async () => ok(await executeAction(startRun.startRunAction, people.sre, { runbookId: "RB-CORE-001" })).runId;
  const [liveRun, skippable, abortable, endedRun] = [await start(), await start(), await start(), await start()];
  ok(await executeAction(runActions.abortRunAction, people.ic, { runId: endedRun, reason: "ended for the RCA fuzz" }));
  const incident = ok(await executeAction(incidentActions.declareIncidentAction, people.sre, { title: "Fuzzing incident", severity: "P2" })).incidentId;
  const onboarding = ok(
    await executeAction(onboardingActions.requestOnboardingAction, people.owner, {
      ...ONBOARDING_FORM,
      repoName: "fuzz-target",
      repoUrl: "https://github.com/acme/fuzz-target",
      ownerContacts: "rui@ops.example",
      alertContacts: "#payments-alerts",
    }),
  ).onboardingId;
  const signed = ok(await executeAction(auditActions.signHeadAction, people.auditor, {}));
  if (!signed.signed) throw new Error("fixture: head not signed");
  const person = ok(await executeAction(accessActions.addPersonAction, people.infosec, { email: "fuzz.target@ops.example", name: "Fuzz Target", roles: ["SRE"] })).personId;
  const accessRequest = ok(await executeAction(accessActions.grantRoleAction, people.infosec, { personId: person, role: "AUDITOR" })).requestId!;
  fx = { person, accessRequest, liveRun, skippable, abortable, endedRun, incident, onboarding, headJson: JSON.stringify(exportHead({ ...signed.head, id: BigInt(signed.head.id!), seq: BigInt(signed.head.seq), at: new Date(signed.head.at!), reason: signed.head.reason! })) };
}, 60_000);

afterAll(async () => {
  await client?.$disconnect();
});

// ---- the tests ---------------------------------------------------------------------------------------------------

describe("every action is in the fuzz table", () => {
  it("each defineAction/defineSqlAction in lib/ and app/ is exported and listed here", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const files = ["lib", "app"]
      .flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)))
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && f !== path.join("lib", "actions", "safe-action.ts") && !f.startsWith(path.join("lib", "generated")));
    const listed = new Set(Object.values(SPECS).map((s) => s.def as unknown));
    const found: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(root, file), "utf8");
      const defined = (source.match(/\bdefine(?:Sql)?Action\s*\(/g) ?? []).length;
      if (defined === 0) continue;
      const mod = (await import(path.join(root, file))) as Record<string, unknown>;
      const exported = Object.entries(mod).filter(([, v]) => v && typeof v === "object" && "schema" in v && "permission" in v && "run" in v);
      expect(exported.length, `${file} defines ${defined} action(s) but exports ${exported.length}: export each so it is fuzzed`).toBe(defined);
      for (const [name, def] of exported) {
        expect(listed.has(def), `${file}: ${name} is not in SPECS of tests/integration/fuzz-actions.test.ts`).toBe(true);
        found.push(name);
      }
    }
    expect(found.sort()).toEqual(Object.keys(SPECS).sort());
  });
});

describe(`${RUNS.toLocaleString("en")} malformed inputs per action: INVALID naming the field, nothing written`, () => {
  for (const [name, s] of Object.entries(SPECS)) {
    it(name, async () => {
      const before = await footprint();
      const actor = people[s.who];
      await fc.assert(
        fc.asyncProperty(malformed(s), async ({ input, expect: fields }) => {
          const result = await executeAction(s.def, actor, input);
          expect(result.ok ? "ok" : result.code).toBe("INVALID");
          if (result.ok) return;
          const keys = Object.keys(result.fieldErrors ?? {});
          expect(keys.some((k) => fields.some((f) => k === f || k.startsWith(`${f}.`))), `fieldErrors ${JSON.stringify(result.fieldErrors)} name none of ${fields.join(", ")}`).toBe(true);
          expect(result.message).toMatch(/^Some fields need attention/);
        }),
        { numRuns: RUNS },
      );
      expect(await footprint()).toEqual(before);
    });
  }
});

describe(`well-formed input with NUL, lone surrogates and huge strings (${HOSTILE_RUNS} per action, 40 where the chain is walked; half as forms): never INTERNAL`, () => {
  for (const [name, s] of Object.entries(SPECS)) {
    it(name, async () => {
      const actor = people[s.who];
      const input = fc.tuple(s.hostile(fx), fc.boolean(), formNoise).map(([value, asFormData, noise]) => (asFormData && s.form ? asForm(value, [["__proto__", "x"], ...noise]) : value));
      await fc.assert(
        fc.asyncProperty(input, async (value) => {
          const result = await executeAction(s.def, actor, value);
          if (result.ok) return;
          expect(result.code, result.message).not.toMatch(/^(INTERNAL|UNAVAILABLE)$/);
          expect(result.message.length).toBeGreaterThan(0);
          if (result.code === "INVALID") expect(Object.keys(result.fieldErrors ?? {}).length).toBeGreaterThan(0);
        }),
        { numRuns: s.hostileRuns ?? HOSTILE_RUNS },
      );
    });
  }

  it("the chain still verifies after all of it", async () => {
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});

describe("callers who may not act", () => {
  it("malformed input from someone without the permission is FORBIDDEN (the permission comes first), and writes only the refusal", async () => {
    const before = await footprint();
    const business = await actorByEmail(client, "ben.ortiz@ops.example");
    const forbidden = Object.keys(SPECS).filter((name) => !can(business, SPECS[name].def.permission));
    expect(forbidden.length).toBeGreaterThan(5);
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forbidden).chain((name) => malformed(SPECS[name]).map((c) => ({ name, c }))), async ({ name, c }) => {
        calls++;
        const result = await executeAction(SPECS[name].def, business, c.input);
        expect(result.ok ? "ok" : result.code).toBe("FORBIDDEN");
      }),
      { numRuns: 300 },
    );
    const after = await footprint();
    const grew = Object.fromEntries(Object.keys(after).filter((t) => after[t] !== before[t]).map((t) => [t, after[t] - before[t]]));
    expect(grew).toEqual({ audit_event: calls });
  });

  it("without a session: UNAUTHENTICATED, and at most one summary event (and its rate window) for the minute", async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(SPECS)).chain((name) => malformed(SPECS[name]).map((c) => ({ name, c }))), async ({ name, c }) => {
        const result = await executeAction(SPECS[name].def, null, c.input);
        expect(result.ok ? "ok" : result.code).toBe("UNAUTHENTICATED");
      }),
      { numRuns: 300 },
    );
    const after = await footprint();
    const grew = Object.fromEntries(Object.keys(after).filter((t) => after[t] !== before[t]).map((t) => [t, after[t] - before[t]]));
    // One window spans at most two minutes' summaries if the minute turned during the run.
    expect(Object.keys(grew).every((t) => t === "audit_event" || t === "rate_window"), JSON.stringify(grew)).toBe(true);
    expect(grew.audit_event ?? 0).toBeLessThanOrEqual(2);
  });
});
