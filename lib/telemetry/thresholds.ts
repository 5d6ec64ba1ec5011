/**
 * Every threshold the live panels evaluate, as the seed (docs/runbook-index.seed.md) states it. Each constant names
 * the runbook section it comes from; thresholds.test.ts reads the seed and fails if one drifts from it.
 *
 * Where the seed says "exceeds" or ">" the comparison is strict (exactly at a limit is not over it); where it gives a
 * circuit-breaker threshold the breaker trips on reaching it (≥), as the contract and the control plane do.
 */
import type { Phase, Provider } from "../control-plane/contract";

/** The runbooks the panels offer, by what triggers them. */
export const RUNBOOK_FOR = {
  budget: "RB-LAUNCH-004",
  rollback: "RB-LAUNCH-002",
  quota: "RB-CORE-003",
  provider: "RB-CORE-004",
  timeout: "RB-CORE-002",
  massFailure: "RB-LAUNCH-005",
  capacity: "RB-LAUNCH-003",
} as const;
export type PanelRunbookId = (typeof RUNBOOK_FOR)[keyof typeof RUNBOOK_FOR];
export const PANEL_RUNBOOK_IDS = [...new Set(Object.values(RUNBOOK_FOR))] as PanelRunbookId[];

// ── Budget (RB-LAUNCH-004, "Budget Thresholds") ─────────────────────────────────────────────────────────────────

export type BudgetLimits = { targetUsd: number; softUsd: number; hardUsd: number };

/** Daily spend levels per phase. The seed gives none for the pilot: it uses Phase 6's (see budgetLimitsFor). */
export const BUDGET_LIMITS: { phase6: BudgetLimits; phase7: BudgetLimits } = {
  phase6: { targetUsd: 35, softUsd: 50, hardUsd: 75 },
  phase7: { targetUsd: 200, softUsd: 300, hardUsd: 450 },
};

/** RB-LAUNCH-004 "Single repo exceeds $5/day". */
export const REPO_DAILY_LIMIT_USD = 5;

// ── Cost drivers (RB-LAUNCH-004, "Common Cost Drivers") ─────────────────────────────────────────────────────────

export const COST_DRIVERS = {
  largeContext: { overKb: 200, remedy: "Enable context pruning", savingPercent: 15 },
  routing: { remedy: "Use Gemini for context", savingPercent: 20 },
  retryStorm: { remedy: "Reduce retry attempts", savingPercent: 10 },
} as const;

// ── Quotas (RB-CORE-003, "Quota Baselines"; RB-LAUNCH-003 "Model Quotas") ──────────────────────────────────────

/** Daily token quota per provider and phase. */
export const QUOTA_BASELINES: Record<Phase, Record<Provider, number>> = {
  pilot: { anthropic: 500_000, openai: 400_000, google: 250_000 },
  phase6: { anthropic: 2_000_000, openai: 1_500_000, google: 1_000_000 },
  phase7: { anthropic: 10_000_000, openai: 7_500_000, google: 5_000_000 },
};

/** A provider's circuit breaker trips on reaching this share of its daily quota. */
export const QUOTA_BREAKER_PERCENT = 85;

/** RB-CORE-003 response option 1: waiting is reasonable when the quota resets in under this long. */
export const QUOTA_WAIT_FOR_RESET_MS = 6 * 60 * 60 * 1000;

// ── SLO (RB-CORE-002, RB-CORE-001, RB-CORE-004, RB-LAUNCH-001) ─────────────────────────────────────────────────

/** RB-CORE-002: flow execution > 120 s is a P95 SLO violation. */
export const P95_SLO_MS = 120_000;
/** RB-CORE-002 / RB-CORE-001: flows are terminated after 180 s. */
export const HARD_TIMEOUT_MS = 180_000;
/** RB-LAUNCH-001 / RB-CORE-001: a flow passes when its quality gates are 5/5. */
export const QUALITY_GATES_REQUIRED = 5;

/** RB-CORE-004: a provider counts as degraded at latency > 60 s or error rate > 10 %. */
export const PROVIDER_DEGRADED = { latencyMs: 60_000, errorRate: 0.1 } as const;

// ── Mass failure (RB-LAUNCH-005, "When to Use") ─────────────────────────────────────────────────────────────────

export const MASS_FAILURE = {
  /** ≥ 5 flow failures within 1 hour across different repos. */
  failuresWithinWindow: 5,
  windowMs: 60 * 60 * 1000,
  /** ≥ 3 repos experiencing > 50 % failure rate. */
  reposWithHighFailureRate: 3,
  failureRateOver: 0.5,
} as const;

// ── Capacity (RB-LAUNCH-003, "Scaling Targets" and "When to Use") ──────────────────────────────────────────────

export type CapacityTarget = { repos: string; replicas: { min: number; max: number }; hpa: boolean; dbPool: number };

export const CAPACITY_TARGETS: Record<Phase, CapacityTarget> = {
  pilot: { repos: "1", replicas: { min: 3, max: 3 }, hpa: false, dbPool: 100 },
  phase6: { repos: "10", replicas: { min: 5, max: 20 }, hpa: true, dbPool: 200 },
  phase7: { repos: "50+", replicas: { min: 10, max: 50 }, hpa: true, dbPool: 500 },
};

/** RB-LAUNCH-003: CPU > 85 % is a performance-degradation trigger. */
export const CPU_TRIGGER_PERCENT = 85;

export const PHASE_LABELS: Record<Phase, string> = { pilot: "Pilot", phase6: "Phase 6", phase7: "Phase 7" };
