import { parseRunbook } from "../runbooks/loader";
import type { Runbook } from "../runbooks";
import type { RunSnapshot, StepSnapshot } from "./machine";

/**
 * A runbook for tests: the front matter every test runbook shares (owned by SREs, three escalation levels) and
 * `procedure`, the steps under "## Procedure" as a runbook file writes them.
 */
export function testRunbook(id: string, title: string, procedure: string): Runbook {
  return parseRunbook(
    `runbooks/${id}.md`,
    `---
id: ${id}
title: ${title}
severity: HIGH
category: core
owners: [SRE]
startRoles: [SRE]
responseTime: { minutes: 30, label: "<30 min" }
useWhen: [Tests]
escalation:
  - { level: L1, who: SRE, roles: [SRE], afterMinutes: 0 }
  - { level: L2, who: TL, roles: [ENGINEERING_TL], afterMinutes: 10 }
  - { level: L3, who: IC, roles: [INCIDENT_COMMANDER], afterMinutes: 20 }
successCriteria: [Works]
validation: { method: Unit, date: 2026-11-28, status: validated }
changelog: [{ date: 2026-11-28, author: test, change: created }]
---

## Procedure
${procedure}`,
  );
}

/** One step of a test procedure: its title and its yaml fields, each value written as YAML text. */
export type TestStep = { title: string; fields: Record<string, string | number> };

export const step = (title: string, fields: TestStep["fields"]): TestStep => ({ title, fields });

/** The procedure text for `steps`, numbered in order, each a "### n. title" section with its yaml step block. */
export function procedure(...steps: TestStep[]): string {
  return steps
    .map(({ title, fields }, i) => `\n### ${i + 1}. ${title}\n\`\`\`yaml step\n${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join("\n")}\n\`\`\`\n`)
    .join("");
}

/** Steps the run-machine tests share: a task, a go/no-go decision, a two-person action and a one-person action. */
export const TRIAGE = step("Triage", { id: "triage", kind: "task", signoff: "[SRE]", minutes: 5 });
export const DECIDE = step("Decide", { id: "decide", kind: "decision", signoff: "[INCIDENT_COMMANDER]", minutes: 2, criteria: "{ go: [{ id: many, label: Many repos }], noGo: [{ id: few, label: Few repos }] }", onGo: "throttle", onNoGo: "end:completed" });
export const THROTTLE = step("Throttle", { id: "throttle", kind: "action", signoff: "[SRE, INCIDENT_COMMANDER]", twoPerson: "true", minutes: 2, action: '{ name: throttle-repo, params: { repos: "{{repos}}", capacityPercent: 50 } }' });
export const PRUNE = step("Prune", { id: "prune", kind: "action", signoff: "[SRE]", minutes: 2, action: '{ name: set-context-pruning, params: { scope: repo, repo: "{{repo}}", enabled: true } }' });

/** A step row as a new run has it: pending, nothing requested or signed. */
export const pendingStep = (stepId: string, over: Partial<StepSnapshot> = {}): StepSnapshot => ({
  stepId,
  status: "PENDING",
  version: 0,
  request: null,
  requestId: null,
  requestHash: null,
  requestedById: null,
  completedById: null,
  commandState: null,
  childRunStatus: null,
  ...over,
});

/** A run of `rb` in progress, its steps pending but for `overrides` (by step id). */
export function snapshotOf(rb: Runbook, overrides: Partial<Record<string, Partial<StepSnapshot>>> = {}, extra: Partial<RunSnapshot> = {}): RunSnapshot {
  return { id: "run-1", status: "IN_PROGRESS", signatures: [], requests: [], ...extra, steps: rb.steps.map((s) => pendingStep(s.id, overrides[s.id])) };
}
