/**
 * The hashing core of the audit chain: canonical JSON, an event's hashed body, and the packed-row parser.
 *
 * `hashCore` is deliberately self-contained — it refers to nothing outside its own body, only to JavaScript
 * built-ins — because its source text is also what the verification worker threads run (lib/audit/parallel.ts).
 * One definition, so the main thread and the workers can never hash differently. Keep it that way: no imports, no
 * module-level helpers inside.
 */
export function hashCore() {
  /**
   * Canonical JSON: object keys sorted, no whitespace, `undefined` dropped, dates as ISO strings, bigints as
   * strings, non-finite numbers as null. A direct serialiser (no intermediate copy), as it runs once per event.
   */
  function canonicalJson(value: unknown): string {
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
      for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i]);
      return out + "]";
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    let out = "{";
    let first = true;
    for (const key of keys) {
      const v = obj[key];
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      out += (first ? "" : ",") + JSON.stringify(key) + ":" + canonicalJson(v);
      first = false;
    }
    return out + "}";
  }

  type Hashed = {
    seq: { toString(): string };
    at: Date;
    actorId: string | null;
    actorEmail: string | null;
    actorRoles: string[];
    action: string;
    outcome: string;
    targetType: string | null;
    targetId: string | null;
    details: unknown;
    requestId: string | null;
  };

  const str = (v: string | null) => (v === null ? "null" : JSON.stringify(v));

  /**
   * canonicalJson of `{ seq (as a string), at (ISO), actorId, actorEmail, actorRoles, action, outcome, targetType,
   * targetId, details, requestId }`, spelled out in sorted key order.
   */
  function eventBody(e: Hashed): string {
    if (e.actorId === undefined || e.actorEmail === undefined || e.targetType === undefined || e.targetId === undefined || e.requestId === undefined) {
      // canonicalJson drops undefined keys; keep exactly that meaning for callers that leave fields out.
      return canonicalJson({ seq: e.seq.toString(), at: e.at.toISOString(), actorId: e.actorId, actorEmail: e.actorEmail, actorRoles: e.actorRoles, action: e.action, outcome: e.outcome, targetType: e.targetType, targetId: e.targetId, details: e.details ?? null, requestId: e.requestId });
    }
    return (
      `{"action":${JSON.stringify(e.action)},"actorEmail":${str(e.actorEmail)},"actorId":${str(e.actorId)},"actorRoles":${canonicalJson(e.actorRoles)}` +
      `,"at":${JSON.stringify(e.at.toISOString())},"details":${canonicalJson(e.details ?? null)},"outcome":${JSON.stringify(e.outcome)}` +
      `,"requestId":${str(e.requestId)},"seq":"${e.seq.toString()}","targetId":${str(e.targetId)},"targetType":${str(e.targetType)}}`
    );
  }

  const SIMPLE_ARRAY = /^\{([A-Za-z0-9_.@-]+(,[A-Za-z0-9_.@-]+)*)?\}$/;
  /** An unquoted NULL in an array's text is an SQL NULL element (a string "NULL" would be quoted). */
  const NULL_ELEMENT = /[{,]NULL[,}]/i;

  /**
   * One packed row (13 fields; see lib/audit/source.ts PACKED_ROW) as an event with seq as text, or null when it
   * cannot be read safely and the batch must be read the ordinary way.
   */
  function parsePacked(f: string[]) {
    if (f.length !== 13) return null;
    const roles = f[4];
    if (roles !== "" && (!SIMPLE_ARRAY.test(roles.slice(1)) || NULL_ELEMENT.test(roles))) return null;
    const ms = Number(f[1]);
    if (!Number.isSafeInteger(ms)) return null;
    let details: unknown;
    try {
      details = JSON.parse(f[9]);
    } catch {
      return null;
    }
    return {
      seq: f[0],
      at: new Date(ms),
      actorId: f[2] === "" ? null : f[2].slice(1),
      actorEmail: f[3] === "" ? null : f[3].slice(1),
      actorRoles: roles === "" || roles === ".{}" ? [] : roles.slice(2, -1).split(","),
      action: f[5],
      outcome: f[6],
      targetType: f[7] === "" ? null : f[7].slice(1),
      targetId: f[8] === "" ? null : f[8].slice(1),
      details,
      requestId: f[10] === "" ? null : f[10].slice(1),
      prevHash: f[11],
      hash: f[12],
    };
  }

  return { canonicalJson, eventBody, parsePacked };
}

export const core = hashCore();
