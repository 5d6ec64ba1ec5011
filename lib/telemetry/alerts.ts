import type { PanelRunbookId } from "./thresholds";

/** A crossed threshold, with the runbook that answers it. */
export type PanelAlert = {
  /** Stable per condition (e.g. "budget.soft"), so the UI can key on it. */
  key: string;
  severity: "warning" | "critical";
  /** What crossed which line, in words, with the numbers. */
  message: string;
  runbookId: PanelRunbookId;
};

/** Runbooks to offer for a list of alerts: each once, the most severe reason first. */
export function runbookOffers(alerts: PanelAlert[]): { runbookId: PanelRunbookId; severity: PanelAlert["severity"]; reasons: string[] }[] {
  const byId = new Map<PanelRunbookId, { runbookId: PanelRunbookId; severity: PanelAlert["severity"]; reasons: string[] }>();
  const ordered = [...alerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
  for (const a of ordered) {
    const entry = byId.get(a.runbookId);
    if (entry) entry.reasons.push(a.message);
    else byId.set(a.runbookId, { runbookId: a.runbookId, severity: a.severity, reasons: [a.message] });
  }
  return [...byId.values()];
}
