/**
 * The cost drivers RB-LAUNCH-004 names, detected from the recent flows and the settings:
 * large context (> 200 KB, unpruned) → pruning saves 15 %; context not routed to Gemini → 20 %; retry storm → 10 %.
 */
import type { Flow, Settings } from "../control-plane/contract";
import { percent } from "./format";
import { COST_DRIVERS, PROVIDER_DEGRADED } from "./thresholds";

export type CostDriverId = keyof typeof COST_DRIVERS;

export type CostDriver = {
  id: CostDriverId;
  label: string;
  remedy: string;
  savingPercent: number;
  /** What a full day at today's spend would save, if the remedy applies to all of it. */
  savingUsdPerDay: number;
  detected: boolean;
  /** The evidence, with numbers. */
  evidence: string;
};

const RETRYABLE: ReadonlySet<Flow["errorType"]> = new Set(["timeout", "5xx", "429"]);

/** "Large context size (>200KB)": exactly 200 KB is not large. */
export function isLargeContext(contextKb: number): boolean {
  return contextKb > COST_DRIVERS.largeContext.overKb;
}

/**
 * A retry storm: the seed names it without a number, so this uses RB-CORE-004's error-rate line — more than 10 % of
 * the recent finished flows failed with an error that is retried (timeout, 5xx, 429) while retries are enabled.
 */
export function isRetryStorm(retryableFailures: number, finishedFlows: number, maxAttempts: number): boolean {
  if (maxAttempts <= 1 || finishedFlows === 0) return false;
  return retryableFailures / finishedFlows > PROVIDER_DEGRADED.errorRate;
}

export function evaluateCostDrivers(input: { flows: Flow[]; settings: Settings; todayUsd: number }): CostDriver[] {
  const { flows, settings, todayUsd } = input;
  const pruningFor = (repo: string) => settings.pruning.repos.find((r) => r.repo === repo)?.enabled ?? settings.pruning.global;
  const saving = (pct: number) => Math.round(todayUsd * pct) / 100;

  const large = flows.filter((f) => isLargeContext(f.contextKb) && !f.pruned);
  const largeRepos = [...new Set(large.map((f) => f.repo))].sort();
  const unprunedLargeRepos = largeRepos.filter((r) => !pruningFor(r));

  const contextWeights = settings.routing.contextWeights ?? settings.routing.weights;
  const offGemini = flows.filter((f) => f.contextProvider !== "google");
  const routingDetected = contextWeights.google < 100 && offGemini.length > 0;

  const finished = flows.filter((f) => f.status !== "running");
  const retryable = finished.filter((f) => f.status === "failed" && RETRYABLE.has(f.errorType));
  const maxAttempts = settings.retry.maxAttempts;
  const storm = isRetryStorm(retryable.length, finished.length, maxAttempts);

  return [
    {
      id: "largeContext",
      label: `Large context (> ${COST_DRIVERS.largeContext.overKb} KB)`,
      remedy: COST_DRIVERS.largeContext.remedy,
      savingPercent: COST_DRIVERS.largeContext.savingPercent,
      savingUsdPerDay: saving(COST_DRIVERS.largeContext.savingPercent),
      detected: large.length > 0,
      evidence:
        large.length > 0
          ? `${large.length} of the last ${flows.length} flows ran unpruned over ${COST_DRIVERS.largeContext.overKb} KB (${largeRepos.join(", ")})${unprunedLargeRepos.length ? `; pruning is off for ${unprunedLargeRepos.join(", ")}` : ""}.`
          : `No unpruned flow over ${COST_DRIVERS.largeContext.overKb} KB in the last ${flows.length}.`,
    },
    {
      id: "routing",
      label: "Context stage not on Gemini",
      remedy: COST_DRIVERS.routing.remedy,
      savingPercent: COST_DRIVERS.routing.savingPercent,
      savingUsdPerDay: saving(COST_DRIVERS.routing.savingPercent),
      detected: routingDetected,
      evidence: routingDetected
        ? `${offGemini.length} of the last ${flows.length} flows ran their context stage elsewhere; Gemini gets ${contextWeights.google} % of it.`
        : "The context stage runs on Gemini.",
    },
    {
      id: "retryStorm",
      label: "Retry storm",
      remedy: COST_DRIVERS.retryStorm.remedy,
      savingPercent: COST_DRIVERS.retryStorm.savingPercent,
      savingUsdPerDay: saving(COST_DRIVERS.retryStorm.savingPercent),
      detected: storm,
      evidence:
        finished.length === 0
          ? "No finished flows yet."
          : `${retryable.length} of the last ${finished.length} finished flows failed with a retried error (${percent((retryable.length / finished.length) * 100)}); up to ${maxAttempts} attempts each.`,
    },
  ];
}
