/**
 * PostgreSQL's text and jsonb cannot hold NUL characters or unpaired UTF-16 surrogates, so a value carrying them
 * would fail its write with an internal error. Every action's input and every audit event's details pass through
 * here first: such characters become U+FFFD (the replacement character) in every string, however deeply nested.
 */
export function storable<T>(value: T): T {
  if (typeof value === "string") return (value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value).toWellFormed() as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[storable(k)] = storable(v);
    return out as T;
  }
  return value;
}
