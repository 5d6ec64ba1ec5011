import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor, Role } from "../auth/roles";
import { loadRun } from "../stores/runs";
import { signOffRoles } from "../runs/ownership";
import { approvalState, currentStep, effectiveStatus, signersShown, type Disqualification, type EffectiveStatus } from "../runs/machine";
import { listPlaceholders } from "../control-plane/placeholders";
import { liveValues, type LiveValue } from "../runs/live-values";
import type { TelemetrySnapshot } from "../control-plane/contract";
import type { Runbook } from "../runbooks";
import type { Prefill } from "../runs/prefill-values";

export type TimelineEntry = { seq: string; at: string; actor: string; action: string; outcome: string; summary: string };

export type StepView = {
  id: string;
  number: number;
  title: string;
  kind: Runbook["steps"][number]["kind"];
  signoff: Role[];
  twoPerson: boolean;
  minutes: number;
  instructionsHtml: string;
  action: { name: string; params: Record<string, unknown> } | null;
  placeholders: string[];
  criteria: Runbook["steps"][number]["criteria"] | null;
  link: string | null;
  status: EffectiveStatus;
  notes: string | null;
  evidence: { text: string; url: string | null; by: string; at: string }[];
  request: { action: string | null; params: Record<string, unknown> } | null;
  requestHash: string | null;
  requestedBy: string | null;
  requestedById: string | null;
  /** Two-person steps: the approvals that count for the current request (approvalState); other steps: the sign-offs. */
  approvals: { personId: string; name: string; role: string; at: string }[];
  voidedApprovals: number;
  requiredApprovals: number;
  /** Two-person steps: how many approvals are still needed, and who may not approve and why (approvalState). */
  approval: { remaining: number; disqualified: Disqualification[] } | null;
  decision: { outcome: "GO" | "NO_GO"; reason: string; by: string; at: string; criteria: unknown } | null;
  command: {
    id: string;
    action: string;
    state: string;
    attempts: number;
    lastError: string | null;
    response: unknown;
    updatedAt: string;
    /** NEEDS_DECISION only: why (retry-after-too-long, key-mismatch, invalid-response), and the wait asked for. */
    holdReason: string | null;
    retryAfterSeconds: number | null;
  } | null;
  child: { id: string; runbookId: string; status: string } | null;
  skipReason: string | null;
  completedBy: string | null;
  completedAt: string | null;
  currentSince: string | null;
  live: Record<string, LiveValue>;
};

export type RunView = {
  id: string;
  version: number;
  runbookId: string;
  title: string;
  severity: Runbook["severity"];
  status: "IN_PROGRESS" | "COMPLETED" | "ABORTED" | "ROLLED_BACK";
  drill: boolean;
  drillScenario: string | null;
  startedAt: string;
  startedBy: string;
  detectedAt: string;
  endedAt: string | null;
  endedReason: string | null;
  response: Runbook["responseTime"];
  phases: NonNullable<Runbook["timeline"]>;
  escalation: Runbook["escalation"];
  escalationLevel: number;
  /** The roles that sign this run's steps (its own runbook version): with mayWorkOnRun, who may work on the run. */
  signOffRoles: Role[];
  contentHash: string;
  parent: { id: string; runbookId: string; stepId: string | null } | null;
  currentStepId: string | null;
  steps: StepView[];
  timeline: TimelineEntry[];
  /** Parameter values proposed when the run started from an incident (from its alerts, or live telemetry). */
  prefill: Prefill;
  /** The RCA's latest saved version (rca_version keeps them all). */
  rca: { markdown: string; updatedAt: string; version: number } | null;
  serverTime: string;
};

const SUMMARY: Record<string, (d: Record<string, unknown>) => string> = {
  "run.start": (d) => `started ${d.runbookId}${d.drill ? " as a drill" : ""}`,
  "run.step.signed": (d) => `signed off ${d.stepId}${d.notes ? `: “${d.notes}”` : ""}`,
  "run.step.child_opened": (d) => `opened ${d.runbookId} as a child run from ${d.stepId}`,
  "run.step.requested": (d) =>
    `requested ${d.action ?? d.stepId} ${d.params ? JSON.stringify(d.params) : ""} (needs two approvals${Number(d.voidedApprovals) > 0 ? `; voided ${d.voidedApprovals} earlier approval${d.voidedApprovals === 1 ? "" : "s"}` : ""})`,
  "run.step.command_requested": (d) => `sent ${d.action} ${JSON.stringify(d.params)}`,
  "run.step.approved": (d) => `approved ${d.stepId} (${d.approval}/${d.of})${d.sent ? ", command sent" : ""}`,
  "run.step.decided": (d) => `decided ${d.outcome === "GO" ? "GO" : "NO-GO"} at ${d.stepId}: ${d.reason}`,
  "run.step.skipped": (d) => `skipped ${d.stepId}: ${d.reason}`,
  "run.step.evidence_added": (d) => `added evidence to ${d.stepId}: ${d.text}${d.url ? ` (${d.url})` : ""}`,
  "run.aborted": (d) => `aborted the run: ${d.reason}`,
  "run.completed": (d) => `run ended: ${String(d.status).replace("_", " ").toLowerCase()}`,
  "run.escalated": (d) => `escalated to ${d.level}: ${d.reason}`,
  "run.step.overdue": (d) => `told the chat that ${d.stepId} has waited ${d.waitedMinutes} min for ${d.waitingFor} (expected ${d.expectedMinutes} min)`,
  "run.rca.saved": (d) => `saved version ${d.version} of the RCA`,
  "command.succeeded": (d) => `control plane applied ${d.action}`,
  "command.failed": (d) => `control plane command ${d.action} failed: ${d.reason ?? d.error ?? ""}`,
  "command.retry": (d) => `control plane ${d.action} will be retried: ${d.error ?? d.reason ?? ""}`,
  "command.held": (d) => `control plane ${d.action} held for a decision: ${d.error ?? ""}`,
  "command.key_mismatch": (d) => `control plane ${d.action} answered with another idempotency key (sent ${d.sentKey}, echoed ${d.echoedKey}): held for a decision`,
  "command.retry_requested": (d) => `retried ${d.action} now (same key): ${d.reason}`,
  "command.abandoned": (d) => `abandoned ${d.action}: ${d.reason}`,
};

/** Everything the run page shows, as plain JSON (also served to the page's live poll). */
export async function getRunView(actor: Actor, runId: string, telemetry: TelemetrySnapshot | null = null): Promise<RunView | null> {
  if (!can(actor, "run.view")) return null;
  const client = db();
  const loaded = await loadRun(client, runId);
  if (!loaded) return null;
  const { run, runbook, snapshot } = loaded;
  // loadRun read the run's commands, children, starter and parent with it; only people and events remain to read.
  const { commands, startedBy, parent } = run;
  const children = run.children.map((c) => ({ id: c.id, runbookId: c.runbookId, status: c.status }));
  const [people, events] = await Promise.all([
    client.person.findMany({ where: { id: { in: [...new Set(run.steps.flatMap((s) => [s.completedById, s.requestedById]).filter((x): x is string => Boolean(x)))] } }, select: { id: true, name: true } }),
    client.auditEvent.findMany({
      where: { OR: [{ targetType: "run", targetId: runId }, { targetType: "command", targetId: { in: run.commands.map((c) => c.id) } }] },
      orderBy: { seq: "desc" },
      take: 200,
    }),
  ]);
  const name = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? "someone") : null);
  const current = currentStep(snapshot);
  const steps: StepView[] = runbook.steps.map((s) => {
    const row = run.steps.find((r) => r.stepId === s.id)!;
    const snap = snapshot.steps.find((r) => r.stepId === s.id)!;
    const cmd = commands.find((c) => c.id === row.commandId) ?? null;
    const sigs = run.signatures.filter((g) => g.stepId === s.id);
    const approval = s.twoPerson ? approvalState(snapshot, s.id) : null;
    const counted = approval
      ? approval.approvals.map((a) => sigs.find((g) => !g.voidedAt && g.personId === a.personId && g.requestId === a.requestId)!)
      : signersShown(sigs.filter((g) => !g.voidedAt), row.requestId);
    const decision = run.decisions.find((d) => d.stepId === s.id);
    const child = children.find((c) => c.id === row.childRunId) ?? null;
    return {
      id: s.id,
      number: s.number,
      title: s.title,
      kind: s.kind,
      signoff: s.signoff,
      twoPerson: s.twoPerson,
      minutes: s.minutes,
      instructionsHtml: s.instructionsHtml,
      action: s.action ? { name: s.action.name, params: s.action.params } : null,
      placeholders: s.action ? listPlaceholders(s.action.params) : [],
      criteria: s.criteria ?? null,
      link: s.link ?? null,
      status: effectiveStatus(snap),
      notes: row.notes,
      evidence: (row.evidence as StepView["evidence"]) ?? [],
      request: (row.request as StepView["request"]) ?? null,
      requestHash: row.requestHash,
      requestedBy: name(row.requestedById),
      requestedById: row.requestedById,
      approvals: counted.map((g) => ({ personId: g.personId, name: g.personName, role: g.role, at: g.createdAt.toISOString() })),
      voidedApprovals: approval?.voided ?? sigs.filter((g) => g.voidedAt).length,
      requiredApprovals: approval?.required ?? 1,
      approval: approval ? { remaining: approval.remaining, disqualified: approval.disqualified } : null,
      decision: decision ? { outcome: decision.outcome, reason: decision.reason, by: decision.decidedBy, at: decision.decidedAt.toISOString(), criteria: decision.criteria } : null,
      command: cmd
        ? {
            id: cmd.id,
            action: cmd.action,
            state: cmd.state,
            attempts: cmd.attempts,
            lastError: cmd.lastError,
            response: cmd.response,
            updatedAt: cmd.updatedAt.toISOString(),
            holdReason: cmd.holdReason,
            retryAfterSeconds: cmd.retryAfterSeconds,
          }
        : null,
      child,
      skipReason: row.skipReason,
      completedBy: name(row.completedById),
      completedAt: row.completedAt?.toISOString() ?? null,
      currentSince: row.currentSince?.toISOString() ?? null,
      live: s.criteria && current?.stepId === s.id ? liveValues(s.criteria, run.detectedAt, telemetry) : {},
    };
  });
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is string => Boolean(x)))];
  const actors = new Map((await client.person.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  return {
    id: run.id,
    version: run.version,
    runbookId: run.runbookId,
    title: runbook.title,
    severity: runbook.severity,
    status: run.status,
    drill: run.drill,
    drillScenario: run.drillScenario,
    startedAt: run.startedAt.toISOString(),
    startedBy: startedBy?.name ?? "someone",
    detectedAt: run.detectedAt.toISOString(),
    endedAt: run.endedAt?.toISOString() ?? null,
    endedReason: run.endedReason,
    response: runbook.responseTime,
    phases: runbook.timeline ?? [],
    escalation: runbook.escalation,
    escalationLevel: run.escalationLevel,
    signOffRoles: signOffRoles(runbook),
    contentHash: run.contentHash,
    parent: parent ? { ...parent, stepId: run.parentStepId } : null,
    currentStepId: run.status === "IN_PROGRESS" ? (current?.stepId ?? null) : null,
    steps,
    timeline: events.map((e) => ({
      seq: e.seq.toString(),
      at: e.at.toISOString(),
      actor: (e.actorId && actors.get(e.actorId)) ?? e.actorEmail ?? "system",
      action: e.action,
      outcome: e.outcome,
      summary:
        e.outcome === "refused"
          ? `was refused (${e.action}): ${String((e.details as { reason?: unknown }).reason ?? "")}`
          : (SUMMARY[e.action] ?? (() => e.action))(e.details as Record<string, unknown>),
    })),
    prefill: (run.prefill as Prefill | null) ?? {},
    rca: run.rcaMarkdown ? { markdown: run.rcaMarkdown, updatedAt: run.rcaUpdatedAt?.toISOString() ?? "", version: run.rcaVersion } : null,
    serverTime: new Date().toISOString(),
  };
}
