import { canonicalJson } from "./canonical";

export type DiffRow = { path: string; before: unknown; after: unknown; change: "added" | "removed" | "changed" | "same" };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A key-by-key diff of two recorded states: nested objects are walked (keys joined with "."), anything else (arrays,
 * strings, numbers) is compared as a whole value. Rows come in key order; unchanged keys are kept (marked "same")
 * so the reader sees the whole state.
 */
export function diffStates(before: unknown, after: unknown, prefix = ""): DiffRow[] {
  if (!isPlainObject(before) || !isPlainObject(after)) {
    const path = prefix || "(value)";
    if (before === undefined) return [{ path, before, after, change: "added" }];
    if (after === undefined) return [{ path, before, after, change: "removed" }];
    return [{ path, before, after, change: canonicalJson(before) === canonicalJson(after) ? "same" : "changed" }];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((k) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const b = before[k];
    const a = after[k];
    if (isPlainObject(b) && isPlainObject(a)) return diffStates(b, a, path);
    if (!(k in before)) return [{ path, before: undefined, after: a, change: "added" as const }];
    if (!(k in after)) return [{ path, before: b, after: undefined, change: "removed" as const }];
    return [{ path, before: b, after: a, change: canonicalJson(b) === canonicalJson(a) ? ("same" as const) : ("changed" as const) }];
  });
}

/** The before/after pair an event's details carry, if they do (as objects). */
export function beforeAfter(details: unknown): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  if (!isPlainObject(details)) return null;
  const { before, after } = details;
  if ((before === undefined || before === null || isPlainObject(before)) && (after === undefined || after === null || isPlainObject(after)) && (isPlainObject(before) || isPlainObject(after))) {
    return { before: isPlainObject(before) ? before : {}, after: isPlainObject(after) ? after : {} };
  }
  return null;
}
