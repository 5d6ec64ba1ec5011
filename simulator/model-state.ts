/** The simulator model's constants, record types and small helpers (simulator/model.ts). */
import type { ControlPlaneAction } from "../lib/control-plane/actions";
import { BREAKER_THRESHOLD_PERCENT, type ActionResult, type FlowErrorType, type Phase, type Provider, type Settings, type TelemetryWindow } from "../lib/control-plane/contract";
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const BREAKER_RATIO = BREAKER_THRESHOLD_PERCENT / 100;
export const HALF_OPEN_MS = 5 * MINUTE;
export const FLOW_RETENTION_MS = 8 * DAY;
export const MAX_FLOWS_KEPT = 5_000;
export const UNATTRIBUTED = "(unattributed)";

export const SCENARIOS = [
  "provider-outage",
  "rate-limit-storm",
  "cost-runaway",
  "large-context-timeouts",
  "mass-failure",
  "schema-breaking-deployment",
  "db-pool-exhaustion",
  "leaked-api-key",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export type ScenarioInput =
  | { scenario: "provider-outage"; providers?: Provider[]; count?: number }
  | { scenario: "rate-limit-storm"; provider?: Provider }
  | { scenario: "cost-runaway"; repo?: string }
  | { scenario: "large-context-timeouts"; repos?: string[] }
  | { scenario: "mass-failure"; repos?: string[] }
  | { scenario: "schema-breaking-deployment" }
  | { scenario: "db-pool-exhaustion" }
  | { scenario: "leaked-api-key"; provider?: Provider };

export type Scenarios = {
  outage?: { providers: Provider[]; since: number };
  storm?: { provider: Provider; since: number };
  costRunaway?: { repo: string; since: number };
  largeContext?: { repos: string[]; since: number };
  massFailure?: { repos: string[]; since: number };
  schemaBreak?: { since: number };
  dbPool?: { demand: number; since: number };
  leak?: { provider: Provider; fingerprint: string; since: number };
};

export type ActiveScenario = { scenario: ScenarioName; since: string; detail: Record<string, unknown> };

export type Outcome = "succeeded" | FlowErrorType;

export type FlowRecord = {
  id: string;
  repo: string;
  provider: Provider;
  contextProvider: Provider;
  trigger: "schedule" | "manual";
  startedAt: number;
  endAt: number;
  finishedAt: number | null;
  contextKb: number;
  pruned: boolean;
  plannedInput: number;
  plannedOutput: number;
  /** Share of the planned work done by `endAt` (a flow that fails early consumes less). */
  fraction: number;
  outcome: Outcome;
  gates: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  quarantined: boolean;
};

export type Throttle = { maxConcurrent: number | null; dailyCapUsd: number | null; capacityPercent: number | null };
export type QuotaRequest = Settings["quotaRequests"][number] & { decisionAt: number };
export type ApiKey = { fingerprint: string; rotatedAt: number; generation: number };

export type ModelOptions = {
  /** Seed of every random stream (default 42). */
  seed?: number;
  /** Simulated time at start (default: now). */
  startAt?: Date | number | string;
  /** Starting phase (default phase6: the pilot repo and nine Phase 6 repos allowlisted). */
  phase?: Phase;
  /** Hours of normal operation simulated before startAt, so telemetry starts populated (default 24). */
  warmUpHours?: number;
};

export type ApplyResult<A extends ControlPlaneAction = ControlPlaneAction> =
  | { ok: true; status: "applied" | "no-change"; summary: string; result: ActionResult<A> }
  | { ok: false; status: 404 | 422; code: "not-found" | "action-refused"; title: string; detail: string };

export const iso = (ms: number) => new Date(ms).toISOString();
export const dayKey = (ms: number) => iso(ms).slice(0, 10);
export const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
export const WINDOW_MS: Record<TelemetryWindow, number> = { "1h": HOUR, "6h": 6 * HOUR, "24h": DAY, "7d": 7 * DAY };

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
