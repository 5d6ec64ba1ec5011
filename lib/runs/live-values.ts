import type { TelemetrySnapshot } from "../control-plane/contract";
import type { RunbookStep } from "../runbooks";

export type LiveValue = { value: number | boolean | null; display: string; source: string };

const PILOT_REPO = "compliance-service";

/**
 * The live values the portal knows for a decision's criteria: time since detection from the run, the rest from the
 * control plane's telemetry when it is reachable. Criteria only a person can judge (fix ETA, root cause) have none.
 */
export function liveValues(metrics: (RunbookStep["criteria"] extends infer C ? C : never) | undefined, detectedAt: Date, telemetry: TelemetrySnapshot | null, now = new Date()): Record<string, LiveValue> {
  const out: Record<string, LiveValue> = {};
  const criteria = metrics ? [...metrics.go, ...metrics.noGo] : [];
  const failing = telemetry?.aggregates.failures.lastHour.repos ?? null;
  for (const c of criteria) {
    switch (c.metric) {
      case "minutesSinceDetection": {
        const m = Math.floor((now.getTime() - detectedAt.getTime()) / 60_000);
        out[c.id] = { value: m, display: `${m} min since detection`, source: "run clock" };
        break;
      }
      case "reposAffected":
        if (failing) out[c.id] = { value: failing.length, display: `${failing.length} repo${failing.length === 1 ? "" : "s"} with failures in the last hour`, source: "telemetry" };
        break;
      case "pilotAffected":
        if (failing) out[c.id] = { value: failing.includes(PILOT_REPO), display: failing.includes(PILOT_REPO) ? "pilot repo is failing" : "pilot repo is healthy", source: "telemetry" };
        break;
      case "spendTodayUsd":
        if (telemetry) out[c.id] = { value: telemetry.aggregates.spend.todayUsd, display: `$${telemetry.aggregates.spend.todayUsd.toFixed(2)} spent today`, source: "telemetry" };
        break;
      default:
        break;
    }
  }
  return out;
}
