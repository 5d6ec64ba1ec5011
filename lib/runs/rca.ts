import type { RunView } from "../data/run-view";

/** How long after a run ends its RCA is due. */
export const RCA_DUE_MS = 48 * 3600_000;

/** P1/P2 runs (CRITICAL/HIGH runbooks) owe an RCA within 48 hours of ending: when it is due, or null if none is owed. */
export function rcaDueAfter(severity: string, endedAt: string | Date | null): Date | null {
  if (!endedAt || !["CRITICAL", "HIGH"].includes(severity)) return null;
  return new Date(new Date(endedAt).getTime() + RCA_DUE_MS);
}

export function rcaDueAt(run: Pick<RunView, "severity" | "endedAt">): Date | null {
  return rcaDueAfter(run.severity, run.endedAt);
}

const cell = (v: unknown) => String(v ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
const mins = (a: string, b: string | null) => (b ? `${Math.round((Date.parse(b) - Date.parse(a)) / 60_000)} min` : "still open");

/**
 * The RCA draft, pre-filled from the run: what happened when (timeline), who signed what, the go/no-go decisions
 * with the criteria and live values as shown, and every control-plane command with its outcome. People then fill
 * in the root cause and the actions.
 */
export function rcaDraft(run: RunView): string {
  const lines: string[] = [];
  const due = rcaDueAt(run);
  lines.push(`# RCA: ${run.runbookId} ${run.title}${run.drill ? " (drill)" : ""}`, "");
  lines.push(`- Run: ${run.id}`, `- Severity: ${run.severity === "CRITICAL" ? "P1" : run.severity === "HIGH" ? "P2" : run.severity}`, `- Outcome: ${run.status.replace("_", " ").toLowerCase()}${run.endedReason ? ` — ${run.endedReason}` : ""}`);
  lines.push(`- Detected: ${run.detectedAt}`, `- Started: ${run.startedAt} by ${run.startedBy}`, `- Ended: ${run.endedAt ?? "—"} (${mins(run.detectedAt, run.endedAt)} from detection; target ${run.response.label})`);
  if (due) lines.push(`- RCA due: ${due.toISOString()}`);
  lines.push("", "## Summary", "", "_What happened, in two or three sentences._", "");
  lines.push("## Root cause", "", "_The cause, and why the safeguards did not catch it earlier._", "");

  lines.push("## Decisions", "");
  const decisions = run.steps.filter((s) => s.decision);
  if (decisions.length === 0) lines.push("No go/no-go decisions were taken.");
  for (const s of decisions) {
    const d = s.decision!;
    lines.push(`### Step ${s.number}: ${s.title} — ${d.outcome === "GO" ? "GO" : "NO-GO"}`, "", `Decided by ${d.by} at ${d.at}: ${d.reason}`, "", "| Side | Criterion | Ticked | Live value |", "| --- | --- | --- | --- |");
    for (const c of (d.criteria as { side: string; label: string; checked: boolean; value?: string }[]) ?? []) {
      lines.push(`| ${c.side === "go" ? "GO" : "NO-GO"} | ${cell(c.label)} | ${c.checked ? "yes" : "no"} | ${cell(c.value ?? "—")} |`);
    }
    lines.push("");
  }

  lines.push("## Steps and sign-offs", "", "| # | Step | Status | By | When | Notes |", "| --- | --- | --- | --- | --- | --- |");
  for (const s of run.steps) {
    const by = s.status === "SKIPPED" ? `${s.completedBy} (skipped: ${s.skipReason})` : s.approvals.map((a) => `${a.name} (${a.role})`).join(", ") || (s.completedBy ?? "");
    lines.push(`| ${s.number} | ${cell(s.title)} | ${s.status.replace("_", " ").toLowerCase()} | ${cell(by)} | ${s.completedAt ?? ""} | ${cell(s.notes ?? "")} |`);
  }
  lines.push("");

  lines.push("## Control-plane commands", "");
  const commands = run.steps.filter((s) => s.command);
  if (commands.length === 0) lines.push("No control-plane commands were sent.");
  else {
    lines.push("| Step | Action | Parameters | Outcome | Attempts | Detail |", "| --- | --- | --- | --- | --- | --- |");
    for (const s of commands) {
      const c = s.command!;
      const detail = c.state === "FAILED" ? c.lastError : ((c.response as { summary?: string } | null)?.summary ?? "");
      lines.push(`| ${s.number} | ${c.action} | \`${cell(JSON.stringify(s.request?.params ?? {}))}\` | ${c.state.toLowerCase()} | ${c.attempts} | ${cell(detail)} |`);
    }
  }
  lines.push("");

  lines.push("## Timeline", "", "| Time (UTC) | Who | What |", "| --- | --- | --- |");
  for (const e of [...run.timeline].reverse()) lines.push(`| ${e.at.replace("T", " ").slice(0, 19)} | ${cell(e.actor)} | ${cell(e.summary)} |`);
  lines.push("", `Audit events ${run.timeline.length ? `#${run.timeline[run.timeline.length - 1].seq}–#${run.timeline[0].seq}` : "—"} (verify them on the audit page).`, "");

  lines.push("## Actions", "", "| Action | Owner | Due |", "| --- | --- | --- |", "|  |  |  |", "");
  lines.push("## Runbook changes", "", `_Gaps found in ${run.runbookId} (update its change log)._`, "");
  return lines.join("\n");
}
