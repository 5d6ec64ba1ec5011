/**
 * Where an onboarding stands, as the steps of RB-LAUNCH-001 the portal walks through: derived from its state and
 * the state of its outbox commands, never stored separately.
 */

export const ONBOARDING_STATES = [
  "REQUESTED",
  "CHANGES_REQUESTED",
  "APPROVED",
  "ALLOWLISTED",
  "FIRST_FLOW_RUNNING",
  "FIRST_FLOW_PASSED",
  "FIRST_FLOW_FAILED",
  "TELEMETRY_VERIFIED",
  "SUCCEEDED",
  "NEEDS_ATTENTION",
  "WITHDRAWN",
] as const;
export type OnboardingState = (typeof ONBOARDING_STATES)[number];

/** States in which the request is still live for its repo (a second request for the same repo is refused). */
export const OPEN_STATES: readonly OnboardingState[] = ["REQUESTED", "APPROVED", "ALLOWLISTED", "FIRST_FLOW_RUNNING", "FIRST_FLOW_PASSED", "FIRST_FLOW_FAILED", "TELEMETRY_VERIFIED"];
/** States after approval and before closing: the allowlist change was made or is on its way. */
export const ACTIVE_STATES: readonly OnboardingState[] = ["APPROVED", "ALLOWLISTED", "FIRST_FLOW_RUNNING", "FIRST_FLOW_PASSED", "FIRST_FLOW_FAILED", "TELEMETRY_VERIFIED"];
export const CLOSED_STATES: readonly OnboardingState[] = ["SUCCEEDED", "NEEDS_ATTENTION"];

export const STATE_LABELS: Record<OnboardingState, string> = {
  REQUESTED: "Awaiting review",
  CHANGES_REQUESTED: "Sent back",
  APPROVED: "Approved — allowlisting",
  ALLOWLISTED: "Allowlisted",
  FIRST_FLOW_RUNNING: "First flow running",
  FIRST_FLOW_PASSED: "First flow passed",
  FIRST_FLOW_FAILED: "First flow failed",
  TELEMETRY_VERIFIED: "Telemetry verified",
  SUCCEEDED: "Succeeded",
  NEEDS_ATTENTION: "Needs attention",
  WITHDRAWN: "Withdrawn",
};

export const STATE_TONES: Record<OnboardingState, "blue" | "amber" | "green" | "red" | "zinc" | "violet" | "orange"> = {
  REQUESTED: "blue",
  CHANGES_REQUESTED: "amber",
  APPROVED: "violet",
  ALLOWLISTED: "violet",
  FIRST_FLOW_RUNNING: "violet",
  FIRST_FLOW_PASSED: "green",
  FIRST_FLOW_FAILED: "red",
  TELEMETRY_VERIFIED: "green",
  SUCCEEDED: "green",
  NEEDS_ATTENTION: "orange",
  WITHDRAWN: "zinc",
};

export type StepStatus = "done" | "current" | "waiting" | "failed" | "ready" | "todo";
export type ProgressStep = { id: string; title: string; status: StepStatus; detail: string };

type CommandLike = { state: "PENDING" | "SENDING" | "SUCCEEDED" | "FAILED" | "NEEDS_DECISION"; lastError: string | null } | null;

export type ProgressInput = {
  state: OnboardingState;
  reviewReason: string | null;
  allowlistCommand: CommandLike;
  firstFlowCommand: CommandLike;
  firstFlowId: string | null;
  telemetryVerifiedAt: Date | null;
  closesAt: Date | null;
  closedAt: Date | null;
};

const at = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The eight steps (request, review, allowlist, CI/CD, first flow, telemetry, alerts, week 1) with their status. */
export function onboardingProgress(o: ProgressInput): ProgressStep[] {
  const approved = ACTIVE_STATES.includes(o.state) || CLOSED_STATES.includes(o.state);
  const allowlisted = approved && o.state !== "APPROVED";
  const flowPassed = ["FIRST_FLOW_PASSED", "TELEMETRY_VERIFIED"].includes(o.state) || (CLOSED_STATES.includes(o.state) && o.firstFlowId !== null);

  const review: ProgressStep =
    o.state === "REQUESTED"
      ? { id: "review", title: "SRE review", status: "current", detail: "Waiting for an SRE to approve or send back." }
      : o.state === "CHANGES_REQUESTED"
        ? { id: "review", title: "SRE review", status: "failed", detail: `Sent back: ${o.reviewReason ?? "no reason given"}` }
        : o.state === "WITHDRAWN"
          ? { id: "review", title: "SRE review", status: "todo", detail: "Withdrawn." }
          : { id: "review", title: "SRE review", status: "done", detail: "Approved." };

  let allowlist: ProgressStep = { id: "allowlist", title: "Registration and allowlist", status: "todo", detail: "After approval." };
  if (allowlisted) allowlist = { id: "allowlist", title: "Registration and allowlist", status: "done", detail: "On the orchestrator's allowlist." };
  else if (o.state === "APPROVED") {
    const c = o.allowlistCommand;
    allowlist =
      c?.state === "FAILED"
        ? { id: "allowlist", title: "Registration and allowlist", status: "failed", detail: `The control plane refused the allowlist change: ${c.lastError ?? "unknown error"}` }
        : c?.state === "NEEDS_DECISION"
          ? { id: "allowlist", title: "Registration and allowlist", status: "current", detail: "The allowlist change waits for an SRE to retry or abandon it." }
        : { id: "allowlist", title: "Registration and allowlist", status: "waiting", detail: c?.lastError ? `Sending to the control plane (${c.lastError})` : "Sending the allowlist change to the control plane…" };
  }

  const cicd: ProgressStep = approved
    ? { id: "cicd", title: "CI/CD integration", status: allowlisted ? "ready" : "todo", detail: "Workflow generated: add it to the repo." }
    : { id: "cicd", title: "CI/CD integration", status: "todo", detail: "After approval." };

  let firstFlow: ProgressStep = { id: "first-flow", title: "First flow", status: "todo", detail: "After the allowlist change." };
  if (flowPassed) firstFlow = { id: "first-flow", title: "First flow", status: "done", detail: "Passed with quality gates 5/5." };
  else if (o.state === "ALLOWLISTED") firstFlow = { id: "first-flow", title: "First flow", status: "current", detail: "Ready to run." };
  else if (o.state === "FIRST_FLOW_RUNNING") firstFlow = { id: "first-flow", title: "First flow", status: "waiting", detail: o.firstFlowId ? `Flow ${o.firstFlowId} running…` : "Starting…" };
  else if (o.state === "FIRST_FLOW_FAILED") firstFlow = { id: "first-flow", title: "First flow", status: "failed", detail: "Failed: troubleshoot with RB-CORE-001, then run it again." };
  else if (CLOSED_STATES.includes(o.state)) firstFlow = { id: "first-flow", title: "First flow", status: "failed", detail: "No passing first flow." };

  let telemetry: ProgressStep = { id: "telemetry", title: "Telemetry validation", status: "todo", detail: "After the first flow." };
  if (o.telemetryVerifiedAt) telemetry = { id: "telemetry", title: "Telemetry validation", status: "done", detail: `Flows visible in telemetry (${at(o.telemetryVerifiedAt)}).` };
  else if (o.state === "FIRST_FLOW_PASSED") telemetry = { id: "telemetry", title: "Telemetry validation", status: "current", detail: "Check that the repo's flows appear in telemetry." };
  else if (CLOSED_STATES.includes(o.state)) telemetry = { id: "telemetry", title: "Telemetry validation", status: "failed", detail: "Never verified." };

  const alerts: ProgressStep = approved
    ? { id: "alerts", title: "Monitoring alerts", status: "ready", detail: "Alert rules generated: load them into Prometheus." }
    : { id: "alerts", title: "Monitoring alerts", status: "todo", detail: "After approval." };

  let week: ProgressStep = { id: "week-1", title: "Week 1", status: "todo", detail: "Opens on approval." };
  if (o.state === "SUCCEEDED") week = { id: "week-1", title: "Week 1", status: "done", detail: `Closed as succeeded${o.closedAt ? ` (${at(o.closedAt)})` : ""}.` };
  else if (o.state === "NEEDS_ATTENTION") week = { id: "week-1", title: "Week 1", status: "failed", detail: `Closed: needs attention${o.closedAt ? ` (${at(o.closedAt)})` : ""}.` };
  else if (approved && o.closesAt) week = { id: "week-1", title: "Week 1", status: o.telemetryVerifiedAt ? "current" : "waiting", detail: `Open until ${at(o.closesAt)}.` };

  return [{ id: "request", title: "Request", status: "done", detail: "Submitted by the repo owner." }, review, allowlist, cicd, firstFlow, telemetry, alerts, week];
}
