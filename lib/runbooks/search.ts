import type { Role } from "../auth/roles";
import { byCodePoint } from "../compare";
import type { Runbook } from "./loader";

/** What the index page ships to the browser per runbook: enough to search and filter, nothing more. */
export type RunbookEntry = {
  id: string;
  title: string;
  severity: Runbook["severity"];
  severityNote?: string;
  category: Runbook["category"];
  useWhen: string[];
  responseTime: string;
  validation: Runbook["validation"];
  /** Every role that signs off at least one step. */
  signoffRoles: Role[];
  /** Every step's text, lower case. The index page loads it after the page (stepsTexts), to keep its HTML small. */
  stepsText?: string;
};

/** One runbook's searchable step text (RunbookEntry's `stepsText`). */
export const stepsTextOf = (rb: Runbook) => rb.steps.map((s) => s.text).join("\n").toLowerCase();

/** Every runbook's step text by id, as GET /api/runbooks/search-text sends it. */
export const stepsTexts = (runbooks: Runbook[]): Record<string, string> => Object.fromEntries(runbooks.map((rb) => [rb.id, stepsTextOf(rb)]));

/** The entry without its step text (the index page's HTML), or with it. */
export function toEntry(rb: Runbook, withSteps = true): RunbookEntry {
  const entry: RunbookEntry = {
    id: rb.id,
    title: rb.title,
    severity: rb.severity,
    severityNote: rb.severityNote,
    category: rb.category,
    useWhen: rb.useWhen,
    responseTime: rb.responseTime.label,
    validation: rb.validation,
    signoffRoles: [...new Set(rb.steps.flatMap((s) => s.signoff))],
  };
  if (withSteps) entry.stepsText = stepsTextOf(rb);
  return entry;
}

export type RunbookFilters = { query?: string; severity?: Runbook["severity"] | ""; category?: Runbook["category"] | ""; role?: Role | "" };

const WEIGHTS = { id: 20, title: 12, useWhen: 8, steps: 1 };

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** How well an entry matches every word of the query (0 = not a match). Title and when-to-use outrank step text. */
export function score(entry: RunbookEntry, query: string): number {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return 1;
  let total = 0;
  for (const w of words) {
    const s =
      (entry.id.toLowerCase().includes(w) ? WEIGHTS.id : 0) +
      (entry.title.toLowerCase().includes(w) ? WEIGHTS.title : 0) +
      entry.useWhen.reduce((acc, u) => acc + (u.toLowerCase().includes(w) ? WEIGHTS.useWhen : 0), 0) +
      Math.min(occurrences(entry.stepsText ?? "", w), 5) * WEIGHTS.steps;
    if (s === 0) return 0;
    total += s;
  }
  return total;
}

const SEVERITY_ORDER = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } as const;

/** Filters, then ranks by relevance when there is a query, else by severity then id. */
export function searchRunbooks(entries: RunbookEntry[], f: RunbookFilters): RunbookEntry[] {
  const query = f.query?.trim() ?? "";
  return entries
    .filter((e) => (!f.severity || e.severity === f.severity) && (!f.category || e.category === f.category) && (!f.role || e.signoffRoles.includes(f.role)))
    .map((e) => ({ e, s: score(e, query) }))
    .filter(({ s }) => s > 0)
    .sort((a, b) => b.s - a.s || SEVERITY_ORDER[a.e.severity] - SEVERITY_ORDER[b.e.severity] || byCodePoint(a.e.id, b.e.id))
    .map(({ e }) => e);
}
