/**
 * The numbers the simulator is built on, taken from the seed (docs/runbook-index.seed.md) where it gives them and
 * chosen to be plausible where it does not (marked "model").
 */
import { PILOT_REPO, type Phase, type Provider } from "../lib/control-plane/contract";

export const PHASE6_REPOS = [
  "billing-api",
  "checkout-web",
  "identity-service",
  "notification-hub",
  "search-indexer",
  "inventory-service",
  "reporting-etl",
  "mobile-gateway",
  "docs-portal",
] as const;

export const ALL_REPOS = [PILOT_REPO, ...PHASE6_REPOS] as const;

/** Model: each repo's typical context bundle and flow rate. All stay under 200 KB, so a healthy day meets P95 < 120 s. */
export const REPO_PROFILES: Record<string, { contextKb: number; flowsPerHour: number }> = {
  [PILOT_REPO]: { contextKb: 120, flowsPerHour: 0.3 },
  "billing-api": { contextKb: 140, flowsPerHour: 0.25 },
  "checkout-web": { contextKb: 110, flowsPerHour: 0.25 },
  "identity-service": { contextKb: 95, flowsPerHour: 0.2 },
  "notification-hub": { contextKb: 80, flowsPerHour: 0.2 },
  "search-indexer": { contextKb: 160, flowsPerHour: 0.2 },
  "inventory-service": { contextKb: 130, flowsPerHour: 0.2 },
  "reporting-etl": { contextKb: 170, flowsPerHour: 0.2 },
  "mobile-gateway": { contextKb: 100, flowsPerHour: 0.2 },
  "docs-portal": { contextKb: 150, flowsPerHour: 0.2 },
};
/** Model: a repo added to the allowlist that the simulator has no profile for. */
export const DEFAULT_REPO_PROFILE = { contextKb: 120, flowsPerHour: 0.2 };

/** Model: prices per million tokens, the model name shown on flows, and relative speed. */
export const PROVIDER_PROFILES: Record<Provider, { model: string; inputUsdPerM: number; outputUsdPerM: number; speed: number; latencyMs: number }> = {
  anthropic: { model: "claude-sonnet-4-5", inputUsdPerM: 12, outputUsdPerM: 60, speed: 1.0, latencyMs: 850 },
  openai: { model: "gpt-5", inputUsdPerM: 8, outputUsdPerM: 32, speed: 0.97, latencyMs: 780 },
  google: { model: "gemini-2.5-pro", inputUsdPerM: 4, outputUsdPerM: 16, speed: 0.95, latencyMs: 700 },
};

/** Seed: daily token quotas per phase. */
export const QUOTAS_BY_PHASE: Record<Phase, Record<Provider, number>> = {
  pilot: { anthropic: 500_000, openai: 400_000, google: 250_000 },
  phase6: { anthropic: 2_000_000, openai: 1_500_000, google: 1_000_000 },
  phase7: { anthropic: 10_000_000, openai: 7_500_000, google: 5_000_000 },
};

/** Seed: FlowEngine replicas (HPA bounds) and DB pool per phase. */
export const FOOTPRINT_BY_PHASE: Record<Phase, { replicas: number; hpaMin: number; hpaMax: number; dbPool: number }> = {
  pilot: { replicas: 3, hpaMin: 3, hpaMax: 3, dbPool: 100 },
  phase6: { replicas: 5, hpaMin: 5, hpaMax: 20, dbPool: 200 },
  phase7: { replicas: 10, hpaMin: 10, hpaMax: 50, dbPool: 500 },
};

/** Model: default routing (share of flows per provider, percent). */
export const DEFAULT_WEIGHTS: Record<Provider, number> = { anthropic: 50, openai: 30, google: 20 };

/** Seed: a repo's default daily cap. */
export const DEFAULT_DAILY_CAP_USD = 5;
/** Model: default retry attempts per request. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Seed: pruning cut a 245 KB bundle to 165 KB (-33 %) and the flow from 187 s to 98 s (-48 %). Duration is modelled
 * as a power of the bundle size through exactly those two points: bundles over 200 KB then run past 120 s.
 */
export const PRUNING_FACTOR = 165 / 245;
const EXPONENT = Math.log(187 / 98) / Math.log(245 / 165);
const SCALE = 187 / Math.pow(245, EXPONENT);
export function baseDurationSeconds(contextKb: number): number {
  return SCALE * Math.pow(Math.max(contextKb, 1), EXPONENT);
}

/** Model: tokens per KB of context, and output tokens per flow. */
export const TOKENS_PER_KB = 200;
export const OUTPUT_TOKENS_MEAN = 6_000;

/** Model: a FlowEngine replica runs two flows at once; each running flow holds six DB connections. */
export const FLOWS_PER_REPLICA = 2;
export const DB_CONNECTIONS_BASE = 12;
export const DB_CONNECTIONS_PER_FLOW = 6;
