/**
 * Runbook steps write some action parameters as "{{name}}" placeholders that a person fills in when the step runs
 * (the affected repo, the provider that is down, the weights recorded earlier). These helpers find and fill them;
 * `parseActionParams` then validates the filled values and rejects any placeholder left over.
 */
import { PLACEHOLDER } from "./contract";

const ALL_PLACEHOLDERS = new RegExp(PLACEHOLDER.source, "g");
const WHOLE_PLACEHOLDER = new RegExp(`^\\s*${PLACEHOLDER.source}\\s*$`);

/** The placeholder names used anywhere in `params`, in first-seen order. */
export function listPlaceholders(params: unknown): string[] {
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === "string") for (const m of v.matchAll(ALL_PLACEHOLDERS)) names.add(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(params);
  return [...names];
}

/**
 * Replaces placeholders with `values`. A string that is only a placeholder takes the value as it is (so
 * `repos: "{{repos}}"` can become an array and `weights: "{{preIncidentWeights}}"` an object); a placeholder inside
 * longer text is replaced by the value's text. Placeholders without a value are left for validation to report.
 */
export function fillPlaceholders<T>(params: T, values: Record<string, unknown>): T {
  const fill = (v: unknown): unknown => {
    if (typeof v === "string") {
      const whole = WHOLE_PLACEHOLDER.exec(v);
      if (whole) return Object.hasOwn(values, whole[1]) ? values[whole[1]] : v;
      return v.replace(ALL_PLACEHOLDERS, (text, name: string) => (Object.hasOwn(values, name) ? stringify(values[name]) : text));
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(params) as T;
}

function stringify(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(stringify).join(", ");
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}
