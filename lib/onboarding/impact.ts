/**
 * What onboarding one more repo costs and needs, as pure functions over numbers the review panel reads (the Repo
 * table and the control plane's telemetry). The limits are the seed's: RB-LAUNCH-004 (budget) and RB-LAUNCH-003
 * (capacity). Flags are findings an SRE must acknowledge before approving; notes are for information.
 */

export const ONBOARDING_PHASES = ["PHASE_6", "PHASE_7"] as const;
export type OnboardingPhase = (typeof ONBOARDING_PHASES)[number];

export const PHASE_LABELS: Record<OnboardingPhase, string> = { PHASE_6: "Phase 6", PHASE_7: "Phase 7" };

/** The control plane's name for a phase. */
export const CONTROL_PLANE_PHASE: Record<OnboardingPhase, "phase6" | "phase7"> = { PHASE_6: "phase6", PHASE_7: "phase7" };

/** Seed: daily spend per phase — the target, the soft limit (alert) and the hard limit (never sustained). */
export const PHASE_BUDGETS: Record<OnboardingPhase, { targetUsd: number; softUsd: number; hardUsd: number }> = {
  PHASE_6: { targetUsd: 35, softUsd: 50, hardUsd: 75 },
  PHASE_7: { targetUsd: 200, softUsd: 300, hardUsd: 450 },
};

/** Seed: no repo may spend more than this per day (its default daily cap on the allowlist). */
export const REPO_DAILY_LIMIT_USD = 5;

/** Seed: what each phase's footprint is sized for (RB-LAUNCH-003). Phase 7 is "50+ repos": 50 is the planned size. */
export const PHASE_CAPACITY: Record<OnboardingPhase, { maxRepos: number; reposLabel: string; hpaMin: number; hpaMax: number; dbPool: number }> = {
  PHASE_6: { maxRepos: 10, reposLabel: "10 repos", hpaMin: 5, hpaMax: 20, dbPool: 200 },
  PHASE_7: { maxRepos: 50, reposLabel: "50+ repos", hpaMin: 10, hpaMax: 50, dbPool: 500 },
};

export type BudgetLevel = "within-target" | "over-target" | "over-soft" | "over-hard";

export type BudgetImpact = {
  phase: OnboardingPhase;
  limits: { targetUsd: number; softUsd: number; hardUsd: number; repoUsd: number };
  estimateUsd: number;
  /** Typical daily spend today (null when the control plane could not be read). */
  currentUsd: number | null;
  /** current + estimate (the estimate alone when current is unknown). */
  projectedUsd: number;
  level: BudgetLevel;
  repoOverLimit: boolean;
  flags: string[];
  notes: string[];
};

const usd = (n: number) => `$${n.toFixed(2)}`;
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The typical daily spend: the mean of the last `days` complete days of a per-day series whose last entry is today
 * so far (as the control plane's aggregates give it). Null when there is no complete day.
 */
export function typicalDailySpend(perDay: { usd: number }[], days = 7): number | null {
  const complete = perDay.slice(0, -1).slice(-days);
  if (complete.length === 0) return null;
  return round2(complete.reduce((s, d) => s + d.usd, 0) / complete.length);
}

/** The repo's estimated spend against the phase's daily target, soft and hard limits, and the $5 per-repo limit. */
export function budgetImpact(input: { phase: OnboardingPhase; estimatedDailySpendUsd: number; currentDailySpendUsd: number | null }): BudgetImpact {
  const b = PHASE_BUDGETS[input.phase];
  const estimate = round2(input.estimatedDailySpendUsd);
  const projected = round2((input.currentDailySpendUsd ?? 0) + estimate);
  const level: BudgetLevel = projected > b.hardUsd ? "over-hard" : projected > b.softUsd ? "over-soft" : projected > b.targetUsd ? "over-target" : "within-target";
  const flags: string[] = [];
  const notes: string[] = [];
  const label = PHASE_LABELS[input.phase];
  const repoOverLimit = estimate > REPO_DAILY_LIMIT_USD;
  if (repoOverLimit) {
    flags.push(`Estimated ${usd(estimate)}/day is over the ${usd(REPO_DAILY_LIMIT_USD)} per-repo daily limit: the repo will be capped at ${usd(REPO_DAILY_LIMIT_USD)} unless Business approves more.`);
  }
  if (level === "over-hard") flags.push(`Projected ${usd(projected)}/day is over the ${label} hard limit of ${usd(b.hardUsd)}/day.`);
  else if (level === "over-soft") flags.push(`Projected ${usd(projected)}/day is over the ${label} soft limit of ${usd(b.softUsd)}/day (RB-LAUNCH-004 alert level).`);
  else if (level === "over-target") notes.push(`Projected ${usd(projected)}/day is over the ${label} target of ${usd(b.targetUsd)}/day but under the soft limit of ${usd(b.softUsd)}.`);
  else notes.push(`Projected ${usd(projected)}/day is within the ${label} target of ${usd(b.targetUsd)}/day.`);
  if (input.currentDailySpendUsd === null) notes.push("Current spend is unknown (control plane unreachable): the projection counts this repo only.");
  return {
    phase: input.phase,
    limits: { ...b, repoUsd: REPO_DAILY_LIMIT_USD },
    estimateUsd: estimate,
    currentUsd: input.currentDailySpendUsd,
    projectedUsd: projected,
    level,
    repoOverLimit,
    flags,
    notes,
  };
}

export type ControlPlaneFootprint = { replicas: number; hpaMin: number; hpaMax: number; dbPoolSize: number };

export type CapacityImpact = {
  phase: OnboardingPhase;
  planned: (typeof PHASE_CAPACITY)[OnboardingPhase];
  reposBefore: number;
  reposAfter: number;
  /** Repos on the control plane's allowlist (null when it could not be read). */
  controlPlaneRepos: number | null;
  withinRepoLimit: boolean;
  /** Null when the control plane could not be read. */
  footprint: ControlPlaneFootprint | null;
  flowEngineOk: boolean | null;
  dbPoolOk: boolean | null;
  flags: string[];
  notes: string[];
};

/**
 * The repo count after onboarding against the phase's planned size, and the control plane's FlowEngine HPA bounds
 * and DB pool against what the phase needs. The count is the larger of the portal's registry (allowlisted Repo
 * rows) and the control plane's allowlist, so a stale registry never hides a full phase. `alreadyAllowlisted`
 * repos do not add to the count.
 */
export function capacityImpact(input: {
  phase: OnboardingPhase;
  allowlistedRepos: number;
  controlPlaneRepos?: number | null;
  alreadyAllowlisted?: boolean;
  footprint: ControlPlaneFootprint | null;
  expectedFlowsPerDay?: number;
  currentFlowsPerDay?: number | null;
}): CapacityImpact {
  const planned = PHASE_CAPACITY[input.phase];
  const label = PHASE_LABELS[input.phase];
  const controlPlaneRepos = input.controlPlaneRepos ?? null;
  const reposBefore = Math.max(input.allowlistedRepos, controlPlaneRepos ?? 0);
  const reposAfter = reposBefore + (input.alreadyAllowlisted ? 0 : 1);
  const withinRepoLimit = reposAfter <= planned.maxRepos;
  const flags: string[] = [];
  const notes: string[] = [];
  if (!withinRepoLimit) {
    flags.push(`This makes ${reposAfter} allowlisted repos; ${label} capacity is planned for ${planned.reposLabel}. Scale first (RB-LAUNCH-003).`);
  } else {
    notes.push(`${reposAfter} of ${planned.maxRepos} repos planned for ${label} after onboarding.`);
  }
  if (controlPlaneRepos !== null && controlPlaneRepos !== input.allowlistedRepos) {
    notes.push(`The portal registers ${input.allowlistedRepos} allowlisted repos; the control plane's allowlist has ${controlPlaneRepos}. The larger count is used.`);
  }
  const f = input.footprint;
  let flowEngineOk: boolean | null = null;
  let dbPoolOk: boolean | null = null;
  if (f) {
    flowEngineOk = f.hpaMin >= planned.hpaMin && f.hpaMax >= planned.hpaMax;
    dbPoolOk = f.dbPoolSize >= planned.dbPool;
    if (!flowEngineOk) {
      flags.push(`FlowEngine HPA is ${f.hpaMin}–${f.hpaMax} replicas; ${label} needs ${planned.hpaMin}–${planned.hpaMax}. Scale first (RB-LAUNCH-003).`);
    }
    if (!dbPoolOk) flags.push(`DB pool is ${f.dbPoolSize}; ${label} needs ${planned.dbPool}. Scale first (RB-LAUNCH-003).`);
  } else {
    notes.push("Control-plane capacity is unknown (control plane unreachable): check FlowEngine and the DB pool before approving.");
  }
  if (input.expectedFlowsPerDay !== undefined) {
    const now = input.currentFlowsPerDay;
    notes.push(
      now === null || now === undefined
        ? `Adds about ${input.expectedFlowsPerDay} flows a day.`
        : `Adds about ${input.expectedFlowsPerDay} flows a day to about ${now} today (+${now > 0 ? Math.round((input.expectedFlowsPerDay / now) * 100) : 100} %).`,
    );
  }
  return { phase: input.phase, planned, reposBefore, reposAfter, controlPlaneRepos, withinRepoLimit, footprint: f, flowEngineOk, dbPoolOk, flags, notes };
}

export type ReviewImpact = { budget: BudgetImpact; capacity: CapacityImpact; flags: string[]; needsAcknowledgement: boolean };

/** Budget and capacity together, with every flag an approver must acknowledge. */
export function reviewImpact(budget: BudgetImpact, capacity: CapacityImpact): ReviewImpact {
  const flags = [...budget.flags, ...capacity.flags];
  return { budget, capacity, flags, needsAcknowledgement: flags.length > 0 };
}
