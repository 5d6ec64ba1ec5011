/**
 * The input fields of the action fuzz (tests/integration/fuzz-actions.test.ts) by kind: for each, valid values,
 * values its schema must refuse, and the same as form text where a form can carry them.
 */
import fc from "fast-check";
import { ROLES } from "@/lib/auth/roles";
import { ACTION_PATTERN, OUTCOMES } from "@/lib/validation/audit";
import { fakeSecrets } from "@/lib/validation/fake-secrets";
import { accessReviewQuerySchema, addPersonSchema } from "@/lib/validation/access";
import { hostileField, hostileText, hugeText, notAString } from "./fuzz";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Arb = fc.Arbitrary<unknown>;

/** One input field: valid values, values the schema must refuse, and the same as form text where a form can carry them. */
export type Field = {
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

export const ascii = (max = 40) => fc.string({ maxLength: max });
export const nonBlank = (a: fc.Arbitrary<string>) => a.filter((s) => s.trim() !== "");
/** Strings `ok` refuses: hostile, huge and plain ones. */
export const stringsNot = (ok: (s: string) => boolean) => fc.oneof(hostileText(), hugeText(), ascii()).filter((s) => !ok(s));
/** More than `max` code points (what zod counts) after trimming, with NUL, surrogates, accents or emoji inside. */
const tooLong = (max: number) =>
  fc.record({ extra: fc.integer({ min: 1, max: 3_000 }), fill: fc.constantFrom("x", "\u0000x", "\uD800", "é", "\u{1F600}"), inner: hostileText({ maxLength: 10 }) }).map(({ extra, fill, inner }) => `a${inner}${fill.repeat(max + extra)}a`);
/** Shorter than `min` after trimming (padded with whitespace that trimming removes). */
const tooShort = (min: number) => fc.string({ unit: "grapheme-ascii", maxLength: Math.max(0, min - 1) }).map((s) => ` \n${s.trim()}\t `);
const secrets = Object.values(fakeSecrets);
const secretText = fc.tuple(fc.constantFrom(...secrets), ascii(10)).map(([s, pad]) => `See ${s} ${pad}`);
/** Not a string, and not a value any field reads as "left out". */
export const present = (a: Arb) => a.filter((v) => v !== undefined);
export const notBoolean = notAString.filter((v) => typeof v !== "boolean");
/** Arrays, records and other structures whose members are not strings (refused by string, list and number fields alike). */
export const structures: Arb = notAString.filter((v) => typeof v === "object" && v !== null && !(Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")));

// ---- fields by kind ----------------------------------------------------------------------------------------------

export const uuid = (name: string, opts: { optional?: boolean } = {}): Field => ({
  name,
  required: !opts.optional,
  valid: fc.uuid({ version: 4 }),
  validText: fc.uuid({ version: 4 }),
  invalid: fc.oneof(present(notAString), stringsNot((s) => UUID.test(s) || (Boolean(opts.optional) && s === ""))),
  invalidText: stringsNot((s) => UUID.test(s) || (Boolean(opts.optional) && s === "")),
});

export const pattern = (name: string, re: RegExp, valid: fc.Arbitrary<string>, opts: { trim?: boolean; optional?: boolean } = {}): Field => {
  const ok = (s: string) => re.test(opts.trim ? s.trim() : s) || (Boolean(opts.optional) && s === "");
  return { name, required: !opts.optional, valid, validText: valid, invalid: fc.oneof(present(notAString), stringsNot(ok)), invalidText: stringsNot(ok) };
};

export const choice = (name: string, values: readonly string[], opts: { optional?: boolean } = {}): Field => ({
  name,
  required: !opts.optional,
  valid: fc.constantFrom(...values),
  validText: fc.constantFrom(...values),
  invalid: fc.oneof(present(notAString), stringsNot((s) => values.includes(s))),
  invalidText: stringsNot((s) => values.includes(s)),
});

/** Free text people type (trimmed, `min`..`max` characters, credentials refused when `secret`). */
export const text = (name: string, opts: { min?: number; max: number; required?: boolean; secret?: boolean; error?: string }): Field => {
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

export const runsCheckbox = (name: string): Field => ({
  name,
  valid: fc.constantFrom(false, "false", ""),
  validText: fc.constantFrom("false", ""),
  invalid: fc.oneof(present(notBoolean), stringsNot((s) => ["on", "true", "false", ""].includes(s))),
  invalidText: stringsNot((s) => ["on", "true", "false", ""].includes(s)),
});

/** A box that must be ticked (the onboarding checklist). */
export const mustTick = (name: string): Field => ({
  name,
  required: true,
  valid: fc.constantFrom(true, "on", "true"),
  validText: fc.constantFrom("on", "true"),
  invalid: fc.oneof(present(notAString).filter((v) => v !== true), fc.constant(false), stringsNot((s) => s === "on" || s === "true")),
  invalidText: stringsNot((s) => s === "on" || s === "true"),
});

const nonNumeric = nonBlank(hostileText()).map((s) => `x${s}`);
export const wholeNumber = (name: string, min: number, max: number): Field => ({
  name,
  required: true,
  valid: fc.integer({ min, max }),
  validText: fc.integer({ min, max }).map(String),
  invalid: fc.oneof(structures, fc.boolean(), fc.constant(null), fc.integer({ min: max + 1 }), fc.integer({ max: min - 1 }), fc.double({ min: min + 0.01, max: max - 0.01, noInteger: true }), nonNumeric),
  invalidText: fc.oneof(nonNumeric, fc.integer({ min: max + 1 }).map(String)),
});

export const dollars = (name: string): Field => ({
  name,
  required: true,
  valid: fc.integer({ min: 0, max: 1_000_000 }).map((c) => c / 100),
  validText: fc.integer({ min: 0, max: 1_000_000 }).map((c) => `$${(c / 100).toFixed(2)}`),
  invalid: fc.oneof(structures, fc.boolean(), fc.constant(null), fc.integer({ min: 10_001 }), fc.integer({ max: -1 }), fc.constantFrom(0.001, 1.005, 3.14159), nonNumeric),
  invalidText: fc.oneof(nonNumeric, fc.constantFrom("-1", "10000.01", "1.001", "NaN", "Infinity")),
});

export const contactValue = fc.constantFrom("rui@ops.example", "#payments", "@oncall", "rui@ops.example, #payments");
export const contacts = (name: string): Field => ({
  name,
  required: true,
  repeatable: true,
  valid: contactValue,
  validText: contactValue,
  invalid: fc.oneof(structures, fc.integer(), fc.boolean(), fc.constant([]), fc.constant(Array.from({ length: 11 }, (_, i) => `#c${i}`)), hostileText().map((s) => `!${s}`), secretText),
  invalidText: fc.oneof(hostileText().map((s) => `!${s}`), secretText),
});

export const httpsUrl = fc.constantFrom("https://github.com/acme/payments-api", "https://git.example.com/acme/x");
export const notHttpsUrl = fc.oneof(fc.constantFrom("http://github.com/acme/x", "ftp://github.com/x", "javascript:alert(1)", "https://user:pw@github.com/x", "https://localhost/x", "//github.com/x"), hostileText().map((s) => `::${s}`));

// Audit filter fields (shared by the export action here and the query-string fuzz).
const notADate = nonBlank(fc.oneof(fc.constantFrom("yesterday", "2026-13-45", "2026-02-30T25:61", "not a date", "\u0000", "2026-01-01T00:00\u0000"), hostileText().map((s) => `q${s}`))).filter((s) => {
  const t = s.trim();
  return Number.isNaN(new Date(t).getTime()) && Number.isNaN(new Date(`${t}Z`).getTime());
});
const instantField = (name: string): Field => ({ name, valid: fc.constantFrom(undefined, "", "2026-01-01", "2026-11-28T09:30"), invalid: fc.oneof(present(notAString).filter((v) => !(v instanceof Date)), notADate) });
const filterText = (name: string, max: number): Field => ({ name, valid: fc.option(hostileText({ maxLength: 20 }), { nil: undefined }), invalid: fc.oneof(present(notAString), tooLong(max)) });
const filterPattern = (name: string, ok: (s: string) => boolean): Field => ({ name, valid: fc.constant(undefined), invalid: fc.oneof(present(notAString), nonBlank(stringsNot((s) => ok(s.trim())))) });
export const FILTER_FIELDS: Field[] = [
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

export const runId = () => uuid("runId");
export const stepId = () => pattern("stepId", /^[a-z0-9]+(-[a-z0-9]+)*$/, fc.constantFrom("triage", "diagnosis", "verification"));
export const reason = (name = "reason") => text(name, { min: 3, max: 2000, required: true });

// Access administration fields (lib/validation/access.ts is the oracle for what an email and a day are).
export const accepts = (schema: { safeParse: (v: unknown) => { success: boolean } }) => (s: string) => schema.safeParse(s).success;
export const emailField: Field = {
  name: "email",
  required: true,
  valid: fc.constantFrom("kai.berg@ops.example", " Kai.Berg@Ops.Example "),
  validText: fc.constantFrom("kai.berg@ops.example"),
  invalid: fc.oneof(present(notAString), stringsNot(accepts(addPersonSchema.shape.email))),
  invalidText: stringsNot(accepts(addPersonSchema.shape.email)),
};
export const roleValues = [...ROLES];
export const rolesField: Field = {
  name: "roles",
  required: true,
  repeatable: true,
  valid: fc.constantFrom("SRE", ["PRODUCT"], ["AUDITOR", "SRE"]),
  validText: fc.constantFrom(...roleValues),
  invalid: fc.oneof(structures, fc.integer(), fc.boolean(), fc.constant([]), stringsNot((s) => roleValues.includes(s as never)), fc.constant(["SRE", "ROOT"])),
  invalidText: stringsNot((s) => roleValues.includes(s as never)),
};
export const reviewDate: Field = {
  name: "date",
  valid: fc.constantFrom(undefined, "", "2026-11-03"),
  validText: fc.constantFrom("", "2026-11-03"),
  invalid: fc.oneof(present(notAString), stringsNot(accepts(accessReviewQuerySchema.shape.date))),
  invalidText: stringsNot(accepts(accessReviewQuerySchema.shape.date)),
};
