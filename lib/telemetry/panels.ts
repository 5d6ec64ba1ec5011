/** The live panels' model: one telemetry snapshot in, every threshold evaluated (server-side), one object out. */
import type { Phase, TelemetrySnapshot } from "../control-plane/contract";
import { runbookOffers, type PanelAlert } from "./alerts";
import { evaluateBudget, type BudgetPanel } from "./budget";
import { evaluateCapacity, type CapacityPanel } from "./capacity";
import { evaluateCostDrivers, type CostDriver } from "./cost-drivers";
import { evaluateQuota, type QuotaPanel } from "./quota";
import { evaluateSlo, type SloPanel } from "./slo";
import { PHASE_LABELS } from "./thresholds";

export type PanelsModel = {
  /** The control plane's clock when the snapshot was taken. */
  at: string;
  phase: Phase;
  phaseLabel: string;
  budget: BudgetPanel & { costDrivers: CostDriver[] };
  quota: QuotaPanel;
  slo: SloPanel;
  capacity: CapacityPanel;
  /** Every crossed threshold, and the runbooks they call for (each once, most severe first). */
  alerts: PanelAlert[];
  offers: ReturnType<typeof runbookOffers>;
};

/** What GET /api/panels answers. `model` is null until the control plane has answered once. */
export type PanelsResponse = {
  model: PanelsModel | null;
  /** When the snapshot behind `model` was fetched (portal clock, ISO). */
  fetchedAt: string | null;
  /** True when the last refresh failed and `model` is the last good one. */
  stale: boolean;
  /** Why the last refresh failed, until one succeeds. */
  error: string | null;
};

export function buildPanels(snapshot: TelemetrySnapshot): PanelsModel {
  const phase = snapshot.settings.phase;
  const budget = evaluateBudget({ phase, at: snapshot.aggregates.at, spend: snapshot.aggregates.spend });
  const costDrivers = evaluateCostDrivers({ flows: snapshot.flows, settings: snapshot.settings, todayUsd: snapshot.aggregates.spend.todayUsd });
  const quota = evaluateQuota({
    phase,
    at: snapshot.aggregates.at,
    tokens: snapshot.aggregates.tokens,
    providers: snapshot.providers,
    settings: snapshot.settings,
    flows: snapshot.flows,
  });
  const slo = evaluateSlo({ latency: snapshot.aggregates.latency, failures: snapshot.aggregates.failures, providers: snapshot.providers, flows: snapshot.flows });
  const capacity = evaluateCapacity({ phase, capacity: snapshot.capacity });
  const alerts = [...budget.alerts, ...quota.alerts, ...slo.alerts, ...capacity.alerts];
  return {
    at: snapshot.at,
    phase,
    phaseLabel: PHASE_LABELS[phase],
    budget: { ...budget, costDrivers },
    quota,
    slo,
    capacity,
    alerts,
    offers: runbookOffers(alerts),
  };
}
