"use client";

import type { PanelsModel } from "@/lib/telemetry/panels";
import { percent, seconds } from "@/lib/telemetry/format";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";
import { DataTable } from "../ui/data-table";
import { SloDurationChart, SloRatesChart } from "./panel-charts";
import { PanelFrame, Stat, type Freshness } from "./panel-frame";
import type { OfferRunbook } from "./runbook-offer";

const STATUS_TONE = { up: "green", degraded: "amber", down: "red" } as const;
const TOLERANCE_TONE = { operational: "green", "operational-with-failover": "amber", degraded: "orange", offline: "red" } as const;

/** P95 against 120 s, timeouts over 180 s, failure rates, mass failure, quality gates, provider health. */
export function SloPanel({
  model,
  freshness,
  runbooks,
  statusPages = {},
}: {
  model: PanelsModel;
  freshness: Freshness;
  runbooks: Record<string, OfferRunbook>;
  /** Per provider id, its status page (the contacts file's quick links). */
  statusPages?: Record<string, { label: string; url: string }>;
}) {
  const s = model.slo;
  const flows = s.recentFlows
    .filter((f) => f.status !== "running")
    .map((f, i) => ({ i: i + 1, seconds: Math.round(f.durationMs / 100) / 10, repo: f.repo, status: f.status, errorType: f.errorType }));
  const ok = flows.filter((f) => f.status === "succeeded");
  const bad = flows.filter((f) => f.status === "failed");
  const rates = s.failureRates.map((r) => ({ ...r, pct: Math.round(r.failureRate * 1000) / 10 }));
  const gates = s.qualityGates;
  return (
    <PanelFrame id="slo" title="SLO" subtitle={`P95 flow duration under ${seconds(s.p95SloMs)}; flows stop at ${seconds(s.hardTimeoutMs)}`} alerts={s.alerts} freshness={freshness} runbooks={runbooks}>
      <div
        data-testid="provider-tolerance"
        className={cx(
          "flex flex-wrap items-center gap-2 rounded-md border px-3 py-2 text-sm",
          s.providersDown === 0 ? "border-zinc-200 dark:border-zinc-800" : s.providersDown === 1 ? "border-amber-300 dark:border-amber-800" : "border-red-300 dark:border-red-800",
        )}
      >
        <span>Orchestrator:</span>
        <Badge tone={TOLERANCE_TONE[s.tolerance]}>{s.toleranceLabel}</Badge>
        <span className="text-zinc-500">
          {s.providersDown} of {s.providers.length} providers down
        </span>
      </div>
      <DataTable
        variant="compact"
        testId="provider-health"
        rows={s.providers}
        rowKey={(p) => p.provider}
        rowProps={(p) => ({ "data-testid": `provider-${p.provider}` })}
        columns={[
          {
            header: "Provider",
            className: "font-medium",
            cell: (p) =>
              statusPages[p.provider] ? (
                <a href={statusPages[p.provider].url} target="_blank" rel="noreferrer" className="underline decoration-dotted" title={statusPages[p.provider].label} data-testid="provider-status-page">
                  {p.label}
                </a>
              ) : (
                p.label
              ),
          },
          { header: "Status", cell: (p) => <Badge tone={p.degraded ? "amber" : STATUS_TONE[p.status]}>{p.degraded && p.status === "up" ? "degraded" : p.status}</Badge> },
          { header: "Latency", numeric: true, className: "tabular-nums", cell: (p) => (p.latencyMs === null ? "—" : `${(p.latencyMs / 1000).toFixed(1)} s`) },
          { header: "Errors", numeric: true, className: "tabular-nums", cell: (p) => percent(p.errorRate * 100) },
          { header: "Breaker", cell: (p) => p.breaker },
          { header: "Traffic", numeric: true, className: "tabular-nums", cell: (p) => percent(p.trafficShare * 100, 0) },
        ]}
      />

      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat
          label="P95 duration"
          value={s.p95Ms === null ? "—" : seconds(s.p95Ms)}
          detail={`P50 ${s.p50Ms === null ? "—" : seconds(s.p50Ms)} · ${s.flowsMeasured} flows, 24 h`}
          tone={s.overSlo ? "warning" : "ok"}
          testId="slo-p95"
        />
        <Stat label={`Over ${seconds(s.hardTimeoutMs)} (timed out)`} value={s.timeoutsOver180s} tone={s.timeoutsOver180s > 0 ? "warning" : "ok"} detail="last 24 h" />
        <Stat
          label="Failures, last hour"
          value={s.lastHour.count}
          detail={s.lastHour.repos.length ? s.lastHour.repos.join(", ") : "none"}
          tone={s.massFailure.byFailureCount ? "critical" : undefined}
          testId="slo-failures-last-hour"
        />
        <Stat
          label="Quality gates 5/5"
          value={gates.rate === null ? "—" : percent(gates.rate * 100)}
          detail={`${gates.allPassed} of ${gates.finished} recent flows`}
        />
      </dl>

      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Recent flow durations</h3>
        <SloDurationChart ok={ok} bad={bad} count={flows.length} sloSeconds={s.p95SloMs / 1000} timeoutSeconds={s.hardTimeoutMs / 1000} />
      </div>

      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">
          Failure rate per repo, 24 h (mass failure at ≥ 3 repos over {s.failureRateLine * 100} %)
        </h3>
        {rates.length === 0 ? (
          <p className="text-sm text-zinc-500">No finished flows in the window.</p>
        ) : (
          <div style={{ height: Math.max(80, rates.length * 22 + 30) }}>
            <SloRatesChart rates={rates} linePercent={s.failureRateLine * 100} />
          </div>
        )}
        <p className="text-xs text-zinc-500" data-testid="mass-failure-status">
          {s.massFailure.massFailure ? `Mass failure: ${s.massFailure.reasons.join(" ")}` : `No mass failure (${s.massFailure.reposOverRate.length} repos over ${s.failureRateLine * 100} %, ${s.lastHour.count} failures in the last hour).`}
        </p>
      </div>
    </PanelFrame>
  );
}
