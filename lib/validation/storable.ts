/**
 * PostgreSQL's text and jsonb cannot hold NUL characters or unpaired UTF-16 surrogates, so a value carrying them
 * would fail its write with an internal error. Every action's input and every audit event's details pass through
 * here first: such characters become U+FFFD (the replacement character) in every string, however deeply nested.
 *
 * Plain objects and arrays are copied without recursion, so input nested thousands of levels deep (a 16 KiB body
 * of brackets) cannot overflow the call stack. An own `__proto__` key (JSON.parse makes one) is dropped: copied by
 * assignment it would become the copy's prototype, and a schema would then read the fields under it as if given.
 */
export function storable<T>(value: T): T {
  const copies = new Map<object, unknown>();
  const pending: [object, unknown][] = [];
  const copy = (v: unknown): unknown => {
    if (typeof v === "string") return clean(v);
    if (!Array.isArray(v) && !isPlainObject(v)) return v;
    let out = copies.get(v);
    if (out === undefined) {
      out = Array.isArray(v) ? [] : {};
      copies.set(v, out);
      pending.push([v, out]);
    }
    return out;
  };
  const root = copy(value);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [from, to] = next;
    if (Array.isArray(from)) for (const v of from) (to as unknown[]).push(copy(v));
    else for (const [k, v] of Object.entries(from)) if (k !== "__proto__") (to as Record<string, unknown>)[clean(k)] = copy(v);
  }
  return root as T;
}

const clean = (s: string) => (s.includes("\u0000") ? s.replaceAll("\u0000", "\uFFFD") : s).toWellFormed();

/** An object literal's kind (or one without a prototype), not a Date, Map or class instance. */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
