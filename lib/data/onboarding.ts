import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import type { Flow } from "../control-plane/contract";
import { readTelemetryOrNull } from "../control-plane/telemetry";
import { canSeeOnboarding, onboardingApprovalRefusal } from "../onboarding/access";
import { alertRulesFileName, alertRulesYaml } from "../onboarding/alert-rules";
import { type OnboardingPhase, type ReviewImpact } from "../onboarding/impact";
import { onboardingProgress, type OnboardingState, type ProgressStep } from "../onboarding/progress";
import { impactForOnboarding } from "../onboarding/review";
import { refreshOnboarding } from "../onboarding/service";
import { evaluateWeekOne, parseFirstFlowResult, type FirstFlowResult, type WeekOneEvaluation } from "../onboarding/week-one";
import { githubWorkflowYaml, workflowFileName } from "../onboarding/workflow";

export type OnboardingListItem = {
  id: string;
  repoName: string;
  team: string;
  targetPhase: OnboardingPhase;
  state: OnboardingState;
  requestedBy: string;
  createdAt: string;
  closesAt: string | null;
};

/** Onboardings the person may see, newest first: an SRE sees all, a repo owner their own. */
export async function listOnboardings(actor: Actor, take = 100): Promise<{ scope: "all" | "own"; items: OnboardingListItem[] }> {
  const all = can(actor, "onboarding.view.all");
  if (!all && !can(actor, "onboarding.request")) return { scope: "own", items: [] };
  const rows = await db().onboarding.findMany({
    where: all ? {} : { requestedById: actor.id },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, repoName: true, team: true, targetPhase: true, state: true, requestedById: true, createdAt: true, closesAt: true },
  });
  const people = new Map(
    (await db().person.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.requestedById))] } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]),
  );
  return {
    scope: all ? "all" : "own",
    items: rows.map((r) => ({
      id: r.id,
      repoName: r.repoName,
      team: r.team,
      targetPhase: r.targetPhase as OnboardingPhase,
      state: r.state,
      requestedBy: people.get(r.requestedById) ?? "unknown",
      createdAt: r.createdAt.toISOString(),
      closesAt: r.closesAt?.toISOString() ?? null,
    })),
  };
}

export type GeneratedFile = { name: string; text: string };

/** The repo's generated files: the CI workflow and its Prometheus alert rules (runbook links on `portalUrl`). */
export function generatedFiles(o: { repoName: string; team: string; alertContacts: string[] }, portalUrl?: string) {
  return {
    workflow: { name: workflowFileName(o.repoName), text: githubWorkflowYaml(o.repoName) },
    alertRules: { name: alertRulesFileName(o.repoName), text: alertRulesYaml({ repo: o.repoName, team: o.team, alertContacts: o.alertContacts, portalUrl }) },
  };
}

export type CommandView = {
  id: string;
  state: "PENDING" | "SENDING" | "SUCCEEDED" | "FAILED" | "NEEDS_DECISION";
  attempts: number;
  lastError: string | null;
  summary: string | null;
  action: string;
  holdReason: string | null;
  retryAfterSeconds: number | null;
};

export type OnboardingView = {
  id: string;
  version: number;
  repoName: string;
  repoUrl: string;
  team: string;
  ownerContacts: string[];
  alertContacts: string[];
  targetPhase: OnboardingPhase;
  expectedFlowsPerDay: number;
  estimatedDailySpendUsd: number;
  checklist: { trainingCompleted: boolean; cicdReady: boolean; apiAccessRequested: boolean };
  state: OnboardingState;
  requestedBy: { id: string; name: string };
  reviewedBy: string | null;
  reviewReason: string | null;
  createdAt: string;
  approvedAt: string | null;
  closesAt: string | null;
  closedAt: string | null;
  allowlistCommand: CommandView | null;
  firstFlowCommand: CommandView | null;
  firstFlowId: string | null;
  firstFlowResult: FirstFlowResult | null;
  liveFlow: Flow | null;
  liveFlowError: string | null;
  telemetryVerifiedAt: string | null;
  ownerTrainedAt: string | null;
  steps: ProgressStep[];
  weekOne: WeekOneEvaluation;
  /** Budget and capacity impact while the request awaits review (null once decided). */
  impact: ReviewImpact | null;
  /** The generated workflow and alert rules, once approved. */
  files: { workflow: GeneratedFile; alertRules: GeneratedFile } | null;
  /** What the viewer may do here (the actions check again); why they may not approve, if they may not. */
  viewer: { isRequester: boolean; canReview: boolean; approvalRefusal: string | null };
  serverTime: string;
};

const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * The onboarding as its page shows it, or null when there is none or the person may not see it. Brings it up to
 * date first (finished commands, a finished first flow, the end of week 1: see refreshOnboarding).
 */
export async function getOnboardingView(actor: Actor, id: string, opts: { now?: Date; portalUrl?: string } = {}): Promise<OnboardingView | null> {
  const now = opts.now ?? new Date();
  const head = await db().onboarding.findUnique({ where: { id }, select: { requestedById: true } });
  if (!head || !canSeeOnboarding(actor, head)) return null;
  const live = await refreshOnboarding(id, { now });
  const o = await db().onboarding.findUnique({ where: { id } });
  if (!o) return null;
  const [requester, reviewer, commands] = await Promise.all([
    db().person.findUnique({ where: { id: o.requestedById }, select: { id: true, name: true } }),
    o.reviewedById ? db().person.findUnique({ where: { id: o.reviewedById }, select: { name: true } }) : null,
    db().command.findMany({ where: { id: { in: [o.allowlistCommandId, o.firstFlowCommandId].filter((x): x is string => Boolean(x)) } } }),
  ]);
  const commandView = (cid: string | null): CommandView | null => {
    const c = cid ? commands.find((x) => x.id === cid) : undefined;
    return c
      ? {
          id: c.id,
          state: c.state,
          attempts: c.attempts,
          lastError: c.lastError,
          summary: (c.response as { summary?: string } | null)?.summary ?? null,
          action: c.action,
          holdReason: c.holdReason,
          retryAfterSeconds: c.retryAfterSeconds,
        }
      : null;
  };
  const allowlistCommand = commandView(o.allowlistCommandId);
  const firstFlowCommand = commandView(o.firstFlowCommandId);
  const phase = o.targetPhase as OnboardingPhase;
  const estimate = Number(o.estimatedDailySpendUsd);
  const firstFlowResult = parseFirstFlowResult(o.firstFlowResult);

  let impact: ReviewImpact | null = null;
  if (o.state === "REQUESTED") {
    const [allowlistedRepos, telemetry] = await Promise.all([db().repo.count({ where: { allowlisted: true } }), readTelemetryOrNull()]);
    impact = impactForOnboarding({ targetPhase: phase, estimatedDailySpendUsd: estimate, expectedFlowsPerDay: o.expectedFlowsPerDay }, { allowlistedRepos }, telemetry);
  }
  const checklist = (o.checklist ?? {}) as Record<string, unknown>;
  const approved = !["REQUESTED", "CHANGES_REQUESTED", "WITHDRAWN"].includes(o.state);
  return {
    id: o.id,
    version: o.version,
    repoName: o.repoName,
    repoUrl: o.repoUrl,
    team: o.team,
    ownerContacts: asStrings(o.ownerContacts),
    alertContacts: asStrings(o.alertContacts),
    targetPhase: phase,
    expectedFlowsPerDay: o.expectedFlowsPerDay,
    estimatedDailySpendUsd: estimate,
    checklist: { trainingCompleted: checklist.trainingCompleted === true, cicdReady: checklist.cicdReady === true, apiAccessRequested: checklist.apiAccessRequested === true },
    state: o.state,
    requestedBy: { id: o.requestedById, name: requester?.name ?? "unknown" },
    reviewedBy: reviewer?.name ?? null,
    reviewReason: o.reviewReason,
    createdAt: o.createdAt.toISOString(),
    approvedAt: o.approvedAt?.toISOString() ?? null,
    closesAt: o.closesAt?.toISOString() ?? null,
    closedAt: o.closedAt?.toISOString() ?? null,
    allowlistCommand,
    firstFlowCommand,
    firstFlowId: o.firstFlowId,
    firstFlowResult,
    liveFlow: o.state === "FIRST_FLOW_RUNNING" ? live.liveFlow : null,
    liveFlowError: o.state === "FIRST_FLOW_RUNNING" ? live.liveError : null,
    telemetryVerifiedAt: o.telemetryVerifiedAt?.toISOString() ?? null,
    ownerTrainedAt: o.ownerTrainedAt?.toISOString() ?? null,
    steps: onboardingProgress({
      state: o.state,
      reviewReason: o.reviewReason,
      allowlistCommand,
      firstFlowCommand,
      firstFlowId: o.firstFlowId,
      telemetryVerifiedAt: o.telemetryVerifiedAt,
      closesAt: o.closesAt,
      closedAt: o.closedAt,
    }),
    weekOne: evaluateWeekOne(
      { approvedAt: o.approvedAt, closesAt: o.closesAt, firstFlowResult, telemetryVerifiedAt: o.telemetryVerifiedAt, ownerTrainedAt: o.ownerTrainedAt },
      o.closedAt ?? now,
    ),
    impact,
    files: approved ? generatedFiles({ repoName: o.repoName, team: o.team, alertContacts: asStrings(o.alertContacts) }, opts.portalUrl) : null,
    viewer: { isRequester: o.requestedById === actor.id, canReview: can(actor, "onboarding.approve"), approvalRefusal: onboardingApprovalRefusal(actor, o) },
    serverTime: now.toISOString(),
  };
}

/** An onboarding the person submitted (to prefill a corrected request after it was sent back), or null. */
export async function getOwnRequestForPrefill(actor: Actor, id: string) {
  const o = await db().onboarding.findUnique({ where: { id } });
  if (!o || o.requestedById !== actor.id) return null;
  return {
    repoName: o.repoName,
    repoUrl: o.repoUrl,
    team: o.team,
    ownerContacts: asStrings(o.ownerContacts).join(", "),
    alertContacts: asStrings(o.alertContacts).join(", "),
    targetPhase: o.targetPhase as OnboardingPhase,
    expectedFlowsPerDay: String(o.expectedFlowsPerDay),
    estimatedDailySpendUsd: Number(o.estimatedDailySpendUsd).toFixed(2),
    reviewReason: o.reviewReason,
  };
}

/** The onboarding's generated files when the person may see it and it is approved. */
export async function getOnboardingFiles(actor: Actor, id: string, portalUrl?: string) {
  const o = await db().onboarding.findUnique({ where: { id }, select: { requestedById: true, repoName: true, team: true, alertContacts: true, state: true } });
  if (!o || !canSeeOnboarding(actor, o)) return { status: "not-found" as const };
  if (o.state === "REQUESTED" || o.state === "CHANGES_REQUESTED" || o.state === "WITHDRAWN") return { status: "not-approved" as const };
  return { status: "ok" as const, files: generatedFiles({ repoName: o.repoName, team: o.team, alertContacts: asStrings(o.alertContacts) }, portalUrl) };
}
