/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` dropped, dates as ISO strings.
 * Two semantically equal values always give the same text, which is what the hash chain needs
 * (PostgreSQL's jsonb reorders keys, so the stored form cannot be hashed as it comes back).
 *
 * Written as a direct serialiser (no intermediate copy of the value): verifying a million-event chain hashes every
 * event's details, so this is on the hot path. `canonical.test.ts` checks it against the plain definition.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return JSON.stringify(value.toString());
    case "function":
    case "symbol":
      // What JSON.stringify does with them at the top level or in an array (object keys holding them are skipped).
      return "null";
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + write(value[i]);
    return out + "]";
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    out += (first ? "" : ",") + JSON.stringify(key) + ":" + write(v);
    first = false;
  }
  return out + "}";
}
