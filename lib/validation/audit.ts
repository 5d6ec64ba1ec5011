/**
 * Audit review input: the filters (from the page's query string, the JSON API and the export route alike), exported
 * chain heads pasted back for verification, and the export request.
 */
import { z } from "zod";
import { ROLES } from "../auth/roles";
import { freeText } from "./secrets";
import { storable } from "./storable";

/**
 * Blank text is no value; other text is trimmed, with NUL and lone surrogates made U+FFFD as they were when stored
 * (storable): PostgreSQL refuses a NUL in a query parameter, so a filter holding one failed as an internal error.
 */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? storable(v.trim()) : v);
const text = (max: number, message?: string) => z.preprocess(blank, z.string().max(max, message ?? `At most ${max} characters.`).optional());

/** A point in time: ISO 8601 with a zone, or the browser's datetime-local value (read as UTC, as the portal shows times). */
const instant = z.preprocess(
  (v) => {
    const b = blank(v);
    if (typeof b !== "string") return b;
    const s = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?$/.test(b) ? `${b.length === 10 ? `${b}T00:00` : b}Z` : b;
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? b : d;
  },
  z.date({ error: "Not a date and time (e.g. 2026-11-28T09:30)." }).optional(),
);

const seqText = z.preprocess(blank, z.string().regex(/^\d{1,18}$/, "Not an event number.").transform((s) => BigInt(s)).optional());

/** A dotted action name (run.step.signed), or a prefix ending in "." or "*" (run. / run.step.*). */
export const ACTION_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)*(\.|\.?\*)?$/i;

export const OUTCOMES = ["allowed", "refused", "failed"] as const;

/**
 * Free text must hold three letters or digits (A–Z, 0–9) in a row: the search index on the details is a trigram
 * index (pg_trgm), which cannot narrow a shorter search, so it would read the whole log.
 */
export const SEARCHABLE_TEXT = /[A-Za-z0-9]{3}/;
export const isSearchableText = (s: string) => SEARCHABLE_TEXT.test(s);

export const auditFilterSchema = z
  .object({
    from: instant,
    to: instant,
    /** An email, a person id, or "system". */
    actor: text(320),
    role: z.preprocess(blank, z.enum(ROLES, { error: "Not a role." }).optional()),
    action: z.preprocess(blank, z.string().max(200).regex(ACTION_PATTERN, "A dotted action name (run.step.signed) or a prefix (run.).").optional()),
    targetType: z.preprocess(blank, z.string().max(64).regex(/^[a-z0-9_.-]+$/i, "Not a target type (e.g. run, command, incident).").optional()),
    targetId: text(200),
    incident: z.preprocess(blank, z.uuid({ error: "Not an incident id." }).optional()),
    run: z.preprocess(blank, z.uuid({ error: "Not a run id." }).optional()),
    outcome: z.preprocess(blank, z.enum(OUTCOMES, { error: "Choose allowed, refused or failed." }).optional()),
    /** Free text searched in the details (case-insensitive). */
    q: z.preprocess(
      blank,
      z
        .string()
        .max(200, "At most 200 characters.")
        .regex(SEARCHABLE_TEXT, "Include at least three letters or digits in a row (e.g. a name, an id or a word): a shorter search would read the whole log.")
        .optional(),
    ),
  })
  .refine((f) => !(f.from && f.to) || f.from < f.to, { path: ["to"], message: "The end must be after the start." });

export type AuditFilter = z.output<typeof auditFilterSchema>;

export const FILTER_KEYS = ["from", "to", "actor", "role", "action", "targetType", "targetId", "incident", "run", "outcome", "q"] as const satisfies readonly (keyof AuditFilter)[];

/** Keyset cursors: `before` (older than this event) or `after` (newer than this event). */
export const auditCursorSchema = z.object({ before: seqText, after: seqText });

/** The filter as query-string values (for links, exports and the record of an export). */
export function filterToQuery(f: AuditFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v === undefined) continue;
    out[key] = v instanceof Date ? v.toISOString() : String(v);
  }
  return out;
}

/** Reads the filter from a query string (URLSearchParams or Next's searchParams object). */
export function parseAuditQuery(input: URLSearchParams | Record<string, string | string[] | undefined>) {
  const get = (k: string) => {
    const v = input instanceof URLSearchParams ? input.get(k) : input[k];
    return Array.isArray(v) ? v[0] : (v ?? undefined);
  };
  const raw = Object.fromEntries([...FILTER_KEYS, "before", "after"].map((k) => [k, get(k)]));
  return { filter: auditFilterSchema.safeParse(raw), cursor: auditCursorSchema.safeParse(raw) };
}

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportRequestSchema = z.object({
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv or jsonl." }),
  filter: auditFilterSchema,
});

export const bundleRequestSchema = z.object({
  incidentId: z.uuid({ error: "Not an incident id." }),
  format: z.enum(["json", "md"], { error: "Choose json or md." }),
});

/** A chain head as exported (GET /api/audit/heads/[id]) or inside an evidence bundle. */
export const exportedHeadSchema = z.object({
  format: z.literal("orchestrator-audit-head/v1", { error: "Not an exported chain head (format orchestrator-audit-head/v1)." }),
  id: z.string().regex(/^\d{1,18}$/).optional(),
  seq: z.string().regex(/^\d{1,18}$/, "The head's seq must be a whole number."),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "The head's hash must be 64 hex digits."),
  hmac: z.string().regex(/^[0-9a-f]{64}$/, "The head's hmac must be 64 hex digits."),
  at: z.string().optional(),
  reason: z.string().optional(),
});

export type ExportedHead = z.output<typeof exportedHeadSchema>;

/** The verify-against-a-head form: the exported JSON pasted or uploaded as text. */
export const verifyHeadSchema = z.object({
  head: z.preprocess(blank, z.string({ error: "Paste or upload an exported head." }).max(900_000, "That is too long for an exported head or evidence bundle (paste just its chainProof.head).")).transform((raw, ctx) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: "custom", message: "Not JSON: paste the file exported from the heads list." });
      return z.NEVER;
    }
    // An evidence bundle carries its head under chainProof.head; accept the bundle itself too.
    const candidate = (json as { chainProof?: { head?: unknown } })?.chainProof?.head ?? json;
    const head = exportedHeadSchema.safeParse(candidate);
    if (!head.success) {
      for (const issue of head.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
      return z.NEVER;
    }
    return head.data;
  }),
});

export const signHeadSchema = z.object({ note: freeText(text(500)) });
