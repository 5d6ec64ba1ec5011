/**
 * Week 1 of an onboarding: RB-LAUNCH-001's success criteria evaluated at a given time. The onboarding stays open
 * until `closesAt` (a week after approval), then closes as SUCCEEDED when every criterion is met, else as
 * NEEDS_ATTENTION naming what is missing.
 */

export const WEEK_MS = 7 * 24 * 3_600_000;
export const FIRST_FLOW_WINDOW_MS = 24 * 3_600_000;
export const QUALITY_GATES_REQUIRED = 5;

/** What the portal recorded about the latest first flow (stored in Onboarding.firstFlowResult). */
export type FirstFlowResult = {
  flowId: string | null;
  status: "succeeded" | "failed";
  passed: boolean;
  qualityGatesPassed: number;
  qualityGatesTotal: number;
  durationMs: number | null;
  errorType: string | null;
  error: string | null;
  /** Portal time at which the result was recorded. */
  recordedAt: string;
};

export type CriterionStatus = "met" | "pending" | "missed";
export type CriterionId = "first-flow-24h" | "quality-gates" | "telemetry" | "owner-trained";
export type Criterion = { id: CriterionId; label: string; status: CriterionStatus; detail: string };

export type WeekOneInput = {
  approvedAt: Date | null;
  closesAt: Date | null;
  firstFlowResult: FirstFlowResult | null;
  telemetryVerifiedAt: Date | null;
  ownerTrainedAt: Date | null;
};

export type WeekOneEvaluation = {
  criteria: Criterion[];
  /** True once `at` has reached closesAt. */
  due: boolean;
  /** The closing outcome when due (else null). */
  outcome: "SUCCEEDED" | "NEEDS_ATTENTION" | null;
  /** Labels of the criteria not met. */
  missing: string[];
};

/** Reads the stored first-flow result (JSON) defensively: anything else counts as no result. */
export function parseFirstFlowResult(value: unknown): FirstFlowResult | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Partial<FirstFlowResult>;
  if ((v.status !== "succeeded" && v.status !== "failed") || typeof v.recordedAt !== "string") return null;
  return {
    flowId: typeof v.flowId === "string" ? v.flowId : null,
    status: v.status,
    passed: v.passed === true,
    qualityGatesPassed: typeof v.qualityGatesPassed === "number" ? v.qualityGatesPassed : 0,
    qualityGatesTotal: typeof v.qualityGatesTotal === "number" ? v.qualityGatesTotal : QUALITY_GATES_REQUIRED,
    durationMs: typeof v.durationMs === "number" ? v.durationMs : null,
    errorType: typeof v.errorType === "string" ? v.errorType : null,
    error: typeof v.error === "string" ? v.error : null,
    recordedAt: v.recordedAt,
  };
}

/** A first flow passes when it succeeded with every quality gate passed. */
export function firstFlowPassed(flow: { status: string; qualityGatesPassed: number }): boolean {
  return flow.status === "succeeded" && flow.qualityGatesPassed >= QUALITY_GATES_REQUIRED;
}

/**
 * RB-LAUNCH-001's success criteria at time `at`: first flow passed within 24 h of approval, quality gates 5/5,
 * telemetry visible, owner trained. A criterion not met yet is "pending" while it still can be, "missed" after.
 */
export function evaluateWeekOne(o: WeekOneInput, at: Date): WeekOneEvaluation {
  const t = at.getTime();
  const due = o.closesAt !== null && t >= o.closesAt.getTime();
  const flow = o.firstFlowResult;
  const open = (still: boolean): CriterionStatus => (still && !due ? "pending" : "missed");

  const deadline = o.approvedAt ? o.approvedAt.getTime() + FIRST_FLOW_WINDOW_MS : null;
  let first: Criterion;
  if (!o.approvedAt || deadline === null) {
    first = { id: "first-flow-24h", label: "First flow succeeds within 24 h of approval", status: due ? "missed" : "pending", detail: "Not approved yet." };
  } else if (flow?.passed && Date.parse(flow.recordedAt) <= deadline) {
    const hours = (Date.parse(flow.recordedAt) - o.approvedAt.getTime()) / 3_600_000;
    first = { id: "first-flow-24h", label: "First flow succeeds within 24 h of approval", status: "met", detail: `Passed ${hours < 1 ? "within the first hour" : `after ${hours.toFixed(1)} h`}.` };
  } else if (flow?.passed) {
    first = { id: "first-flow-24h", label: "First flow succeeds within 24 h of approval", status: "missed", detail: "Passed, but more than 24 h after approval." };
  } else {
    const still = t < deadline;
    first = {
      id: "first-flow-24h",
      label: "First flow succeeds within 24 h of approval",
      status: open(still),
      detail: still ? `Due by ${new Date(deadline).toISOString().slice(0, 16).replace("T", " ")} UTC.` : "No passing first flow within 24 h of approval.",
    };
  }

  const gates: Criterion = flow
    ? {
        id: "quality-gates",
        label: "Quality gates 5/5",
        status: flow.qualityGatesPassed >= QUALITY_GATES_REQUIRED && flow.status === "succeeded" ? "met" : open(true),
        detail: `Latest first flow: ${flow.qualityGatesPassed}/${flow.qualityGatesTotal}${flow.status === "failed" ? ` (failed${flow.errorType ? `: ${flow.errorType}` : ""})` : ""}.`,
      }
    : { id: "quality-gates", label: "Quality gates 5/5", status: open(true), detail: "No first flow yet." };

  const telemetry: Criterion = o.telemetryVerifiedAt
    ? { id: "telemetry", label: "Telemetry visible", status: "met", detail: `Verified ${o.telemetryVerifiedAt.toISOString().slice(0, 16).replace("T", " ")} UTC.` }
    : { id: "telemetry", label: "Telemetry visible", status: open(true), detail: "Not checked yet." };

  const trained: Criterion = o.ownerTrainedAt
    ? { id: "owner-trained", label: "Repo owner trained on troubleshooting", status: "met", detail: `Confirmed ${o.ownerTrainedAt.toISOString().slice(0, 16).replace("T", " ")} UTC.` }
    : { id: "owner-trained", label: "Repo owner trained on troubleshooting", status: open(true), detail: "The repo owner has not confirmed the training yet." };

  const criteria = [first, gates, telemetry, trained];
  const missing = criteria.filter((c) => c.status !== "met").map((c) => c.label);
  return { criteria, due, outcome: due ? (missing.length === 0 ? "SUCCEEDED" : "NEEDS_ATTENTION") : null, missing };
}
