import { RUNBOOK_ID } from "../runbooks/schema";

/** Response targets when an incident has no runbook suggested yet. */
export const DEFAULT_RESPONSE_MINUTES: Record<string, number> = { P1: 15, P2: 30, P3: 60 };

/** Alert severity label → incident severity. */
export function severityFromLabels(labels: Record<string, string>): "P1" | "P2" | "P3" {
  const s = (labels.severity ?? labels.priority ?? "").toLowerCase();
  if (["critical", "p1", "page"].includes(s)) return "P1";
  if (["warning", "high", "p2"].includes(s)) return "P2";
  return s === "p1" ? "P1" : s ? "P3" : "P2";
}

/** The runbook an alert names: its `runbook` label, else a runbook id inside its `runbook_url` annotation. */
export function runbookFromAlert(labels: Record<string, string>, annotations: Record<string, string>): string | null {
  const fromLabel = labels.runbook?.trim().toUpperCase();
  if (fromLabel && RUNBOOK_ID.test(fromLabel)) return fromLabel;
  const m = /RB-(CORE|LAUNCH)-\d{3}/i.exec(annotations.runbook_url ?? annotations.runbook ?? "");
  return m ? m[0].toUpperCase() : null;
}

const SEVERITY_ORDER: Record<string, number> = { P1: 0, P2: 1, P3: 2 };

/** Incidents most severe first, then newest first (ISO detection times compare as text). */
export function orderIncidents<T extends { severity: string; detectedAt: string }>(incidents: T[]): T[] {
  return [...incidents].sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) || b.detectedAt.localeCompare(a.detectedAt));
}
