/** The action fuzz's generated inputs: malformed ones (as JSON and as form posts) from a spec's fields, and forms. */
import fc from "fast-check";
import { formDataToObject } from "@/lib/actions/safe-action";
import { defineOwn, hostileText, hugeText, notAString, PROTO_KEYS, unknownFields, withExtras } from "./fuzz";
import type { Field } from "./fuzz-action-fields";
import type { Spec } from "./fuzz-action-specs";

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
  // An "unknown" field must not be one of the action's own: a random key can come out as `name`, and would then put a
  // value back where a case took the field away (a CI run saw "name missing" carry `name: "\u0000"`).
  const own = new Set(s.fields.map((f) => f.name.split(".")[0]));
  const unknown = unknownFields.map((extra) => extra.filter(([k]) => !own.has(k)));
  const rootCase = (required.length ? rootGarbage : notAnObject).map((input): Case => ({ input, expect: ["_form", ...required.map(errorKey)], how: "not an object" }));
  if (s.fields.length === 0) return rootCase;
  const oneBad = fc
    .tuple(validBase(s.fields), fc.nat({ max: s.fields.length - 1 }).chain((i) => fc.tuple(fc.constant(s.fields[i]), s.fields[i].invalid)), unknown, fc.option(validBase(s.fields), { nil: undefined }))
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
    const missing = fc.tuple(validBase(s.fields), fc.constantFrom(...required), unknown).map(([generated, field, extra]): Case => {
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

export const formNoise = fc.array(fc.tuple(fc.constantFrom(...PROTO_KEYS, "$ACTION_ID_0123", "$ACTION_REF_1", "$ACTION_1:0", "actorId", "roles", "x"), hostileText({ maxLength: 20 })), { maxLength: 5 });

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

export function malformed(s: Spec): fc.Arbitrary<Case> {
  const form = formCases(s);
  return form ? fc.oneof({ arbitrary: jsonCases(s), weight: 3 }, { arbitrary: form, weight: 1 }) : jsonCases(s);
}

/** The same well-formed input as a form would post it (strings only, lists as repeated keys), with noise keys. */
export function asForm(input: Record<string, unknown>, noise: [string, string][]): Record<string, unknown> {
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
