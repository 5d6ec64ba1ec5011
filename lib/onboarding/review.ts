/** The review panel's numbers, from the Repo table's count and the control plane's telemetry snapshot (pure). */
import type { TelemetrySnapshot } from "../control-plane/contract";
import { budgetImpact, capacityImpact, reviewImpact, typicalDailySpend, type OnboardingPhase, type ReviewImpact } from "./impact";

export type ReviewSubject = { targetPhase: OnboardingPhase; estimatedDailySpendUsd: number; expectedFlowsPerDay: number };

/**
 * Budget impact against the typical daily spend of the last 7 days, capacity impact against the allowlisted repos
 * (the portal's registry and the control plane's allowlist) and the control plane's FlowEngine and DB pool. A null snapshot (control plane unreachable) leaves those unknown.
 */
export function impactForOnboarding(o: ReviewSubject, repos: { allowlistedRepos: number; alreadyAllowlisted?: boolean }, telemetry: TelemetrySnapshot | null): ReviewImpact {
  const budget = budgetImpact({
    phase: o.targetPhase,
    estimatedDailySpendUsd: o.estimatedDailySpendUsd,
    currentDailySpendUsd: telemetry ? typicalDailySpend(telemetry.aggregates.spend.perDay) : null,
  });
  const capacity = capacityImpact({
    phase: o.targetPhase,
    allowlistedRepos: repos.allowlistedRepos,
    controlPlaneRepos: telemetry ? telemetry.settings.allowlist.length : null,
    alreadyAllowlisted: repos.alreadyAllowlisted,
    footprint: telemetry
      ? {
          replicas: telemetry.capacity.flowEngine.replicas,
          hpaMin: telemetry.capacity.flowEngine.hpaMin,
          hpaMax: telemetry.capacity.flowEngine.hpaMax,
          dbPoolSize: telemetry.capacity.dbPool.size,
        }
      : null,
    expectedFlowsPerDay: o.expectedFlowsPerDay,
    currentFlowsPerDay: telemetry && telemetry.aggregates.window.label === "24h" ? telemetry.aggregates.latency.flows : null,
  });
  return reviewImpact(budget, capacity);
}
