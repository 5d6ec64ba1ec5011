/** Builders for the unit tests of lib/telemetry: contract-shaped values with only what a test cares about set. */
import type { Flow, ProviderHealth, Settings } from "../control-plane/contract";

export const AT = "2025-11-20T14:00:00.000Z";
const minutesBefore = (min: number) => new Date(Date.parse(AT) - min * 60_000).toISOString();

export function flow(over: Partial<Flow> & { finishedMinutesAgo?: number } = {}): Flow {
  const { finishedMinutesAgo = 10, ...rest } = over;
  return {
    id: `f-${Math.random().toString(36).slice(2, 10)}`,
    repo: "billing-api",
    provider: "anthropic",
    contextProvider: "anthropic",
    model: "m",
    status: "succeeded",
    trigger: "schedule",
    startedAt: minutesBefore(finishedMinutesAgo + 2),
    finishedAt: minutesBefore(finishedMinutesAgo),
    durationMs: 90_000,
    contextKb: 120,
    pruned: false,
    inputTokens: 1,
    outputTokens: 1,
    tokens: 2,
    costUsd: 0.5,
    qualityGatesPassed: 5,
    qualityGatesTotal: 5,
    errorType: null,
    quarantined: false,
    ...rest,
  };
}

export const failed = (repo: string, errorType: Flow["errorType"] = "5xx", finishedMinutesAgo = 10) =>
  flow({ repo, status: "failed", errorType, qualityGatesPassed: 0, finishedMinutesAgo });

export function settings(over: Partial<Settings> = {}): Settings {
  return {
    at: AT,
    phase: "phase6",
    allowlist: [],
    pruning: { global: false, repos: [] },
    routing: { weights: { anthropic: 50, openai: 30, google: 20 }, contextWeights: null, pins: [] },
    breakers: {
      global: "closed",
      providers: [
        { provider: "anthropic", state: "closed", reason: null },
        { provider: "openai", state: "closed", reason: null },
        { provider: "google", state: "closed", reason: null },
      ],
    },
    throttles: [],
    retry: { maxAttempts: 3, repos: [] },
    quotas: [],
    keys: [],
    quotaRequests: [],
    ...over,
  };
}

type ProviderOver = Partial<ProviderHealth["providers"][number]>;

export function providers(over: { anthropic?: ProviderOver; openai?: ProviderOver; google?: ProviderOver } = {}): ProviderHealth {
  const list = (["anthropic", "openai", "google"] as const).map((provider) => ({
    provider,
    status: "up" as const,
    latencyMs: 800,
    errorRate: 0.01,
    breaker: "closed" as const,
    trafficShare: 1 / 3,
    ...over[provider],
  }));
  const down = list.filter((p) => p.status === "down").length;
  return { at: AT, orchestrator: down <= 1 ? "operational" : down === 2 ? "degraded" : "offline", providersDown: down, providers: list };
}
