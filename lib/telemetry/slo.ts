/**
 * SLO maths: P95 flow duration against 120 s and the 180 s hard timeout (RB-CORE-002), failure rates and mass failure
 * (RB-LAUNCH-005), quality gates 5/5, and provider health with the failure-tolerance state (RB-CORE-004).
 */
import { PROVIDER_LABELS, type Aggregates, type Flow, type Provider, type ProviderHealth } from "../control-plane/contract";
import type { PanelAlert } from "./alerts";
import { percent, seconds } from "./format";
import { detectMassFailure, failureRateOver, type MassFailureVerdict } from "./mass-failure";
import { HARD_TIMEOUT_MS, MASS_FAILURE, P95_SLO_MS, PROVIDER_DEGRADED, QUALITY_GATES_REQUIRED, RUNBOOK_FOR } from "./thresholds";

export type ToleranceState = "operational" | "operational-with-failover" | "degraded" | "offline";

export const TOLERANCE_LABELS: Record<ToleranceState, string> = {
  operational: "operational",
  "operational-with-failover": "operational with failover",
  degraded: "degraded",
  offline: "offline",
};

/** RB-CORE-004 "Failure Tolerance": 1 provider down → operational with failover; 2 → degraded; 3 → offline. */
export function failureTolerance(providersDown: number): ToleranceState {
  if (providersDown <= 0) return "operational";
  if (providersDown === 1) return "operational-with-failover";
  if (providersDown === 2) return "degraded";
  return "offline";
}

/** RB-CORE-004: degraded at latency over 60 s or an error rate over 10 % (exactly at either is not), or as reported. */
export function providerDegraded(p: { status: string; latencyMs: number | null; errorRate: number }): boolean {
  if (p.status === "down") return false;
  if (p.status === "degraded") return true;
  return (p.latencyMs !== null && p.latencyMs > PROVIDER_DEGRADED.latencyMs) || p.errorRate > PROVIDER_DEGRADED.errorRate;
}

/** RB-CORE-002: P95 over 120 s violates the SLO; exactly 120 s meets it. */
export function overP95Slo(p95Ms: number | null): boolean {
  return p95Ms !== null && p95Ms > P95_SLO_MS;
}

/** Share of finished flows whose quality gates passed 5/5. */
export function qualityGates(flows: Pick<Flow, "status" | "qualityGatesPassed">[]): { finished: number; allPassed: number; rate: number | null } {
  const finished = flows.filter((f) => f.status !== "running");
  const allPassed = finished.filter((f) => f.qualityGatesPassed >= QUALITY_GATES_REQUIRED).length;
  return { finished: finished.length, allPassed, rate: finished.length ? allPassed / finished.length : null };
}

export type ProviderRow = {
  provider: Provider;
  label: string;
  status: "up" | "degraded" | "down";
  degraded: boolean;
  latencyMs: number | null;
  errorRate: number;
  breaker: "closed" | "open" | "half-open";
  trafficShare: number;
};

export type SloPanel = {
  p50Ms: number | null;
  p95Ms: number | null;
  p95SloMs: number;
  hardTimeoutMs: number;
  overSlo: boolean;
  flowsMeasured: number;
  timeoutsOver180s: number;
  failureRates: { repo: string; flows: number; failed: number; failureRate: number; over: boolean }[];
  failureRateLine: number;
  lastHour: { count: number; repos: string[] };
  massFailure: MassFailureVerdict;
  qualityGates: { finished: number; allPassed: number; rate: number | null; required: number };
  providers: ProviderRow[];
  providersDown: number;
  tolerance: ToleranceState;
  toleranceLabel: string;
  recentFlows: { id: string; repo: string; durationMs: number; status: Flow["status"]; errorType: Flow["errorType"]; startedAt: string }[];
  alerts: PanelAlert[];
};

export function evaluateSlo(input: { latency: Aggregates["latency"]; failures: Aggregates["failures"]; providers: ProviderHealth; flows: Flow[] }): SloPanel {
  const { latency, failures } = input;
  const providers: ProviderRow[] = input.providers.providers.map((p) => ({
    provider: p.provider,
    label: PROVIDER_LABELS[p.provider],
    status: p.status,
    degraded: providerDegraded(p),
    latencyMs: p.latencyMs,
    errorRate: p.errorRate,
    breaker: p.breaker,
    trafficShare: p.trafficShare,
  }));
  const down = providers.filter((p) => p.status === "down");
  const tolerance = failureTolerance(down.length);
  const massFailure = detectMassFailure({ lastHour: failures.lastHour, perRepo: failures.perRepo });
  const overSlo = overP95Slo(latency.p95Ms);

  const alerts: PanelAlert[] = [];
  if (down.length > 0) {
    alerts.push({
      key: "slo.providers-down",
      severity: down.length >= 2 ? "critical" : "warning",
      message: `${down.map((p) => p.label).join(" and ")} ${down.length === 1 ? "is" : "are"} down: the orchestrator is ${TOLERANCE_LABELS[tolerance]}.`,
      runbookId: RUNBOOK_FOR.provider,
    });
  }
  for (const p of providers.filter((x) => x.degraded)) {
    alerts.push({
      key: `slo.provider-degraded.${p.provider}`,
      severity: "warning",
      message: `${p.label} is degraded (latency ${p.latencyMs === null ? "n/a" : seconds(p.latencyMs)}, error rate ${percent(p.errorRate * 100)}).`,
      runbookId: RUNBOOK_FOR.provider,
    });
  }
  if (overSlo) {
    alerts.push({
      key: "slo.p95",
      severity: "warning",
      message: `P95 flow duration is ${seconds(latency.p95Ms ?? 0)}, over the ${seconds(P95_SLO_MS)} SLO.`,
      runbookId: RUNBOOK_FOR.timeout,
    });
  }
  if (latency.timeoutsOver180s > 0) {
    alerts.push({
      key: "slo.timeouts",
      severity: "warning",
      message: `${latency.timeoutsOver180s} flow${latency.timeoutsOver180s === 1 ? "" : "s"} hit the ${seconds(HARD_TIMEOUT_MS)} hard timeout.`,
      runbookId: RUNBOOK_FOR.timeout,
    });
  }
  if (massFailure.massFailure) {
    alerts.push({ key: "slo.mass-failure", severity: "critical", message: `Mass failure: ${massFailure.reasons.join(" ")}`, runbookId: RUNBOOK_FOR.massFailure });
  }

  return {
    p50Ms: latency.p50Ms,
    p95Ms: latency.p95Ms,
    p95SloMs: P95_SLO_MS,
    hardTimeoutMs: HARD_TIMEOUT_MS,
    overSlo,
    flowsMeasured: latency.flows,
    timeoutsOver180s: latency.timeoutsOver180s,
    failureRates: failures.perRepo.map((r) => ({ ...r, over: failureRateOver(r) })),
    failureRateLine: MASS_FAILURE.failureRateOver,
    lastHour: failures.lastHour,
    massFailure,
    qualityGates: { ...qualityGates(input.flows), required: QUALITY_GATES_REQUIRED },
    providers,
    providersDown: down.length,
    tolerance,
    toleranceLabel: TOLERANCE_LABELS[tolerance],
    recentFlows: input.flows
      .map((f) => ({ id: f.id, repo: f.repo, durationMs: f.durationMs, status: f.status, errorType: f.errorType, startedAt: f.startedAt }))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    alerts,
  };
}
