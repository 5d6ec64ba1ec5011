"use client";

import type { PanelsModel } from "@/lib/telemetry/panels";
import { duration, percent, tokens } from "@/lib/telemetry/format";
import { Badge } from "../ui/badge";
import { QuotaChart } from "./lazy-charts";
import { PanelFrame, type Freshness } from "./panel-frame";
import type { OfferRunbook } from "./runbook-offer";

const BREAKER_TONE = { closed: "green", "half-open": "amber", open: "red" } as const;

/** Tokens per provider against the daily quota, the 85 % circuit-breaker line, breaker state and time to reset. */
export function QuotaPanel({ model, freshness, runbooks }: { model: PanelsModel; freshness: Freshness; runbooks: Record<string, OfferRunbook> }) {
  const q = model.quota;
  const data = q.rows.map((r) => ({ ...r, used: Math.round(r.usedPercent * 10) / 10 }));
  const max = Math.max(100, ...data.map((d) => Math.ceil(d.used)));
  return (
    <PanelFrame
      id="quota"
      title="Quota"
      subtitle={`Daily token quotas, ${q.phaseLabel}; each provider's circuit breaker trips at ${q.breakerPercent} %`}
      alerts={q.alerts}
      freshness={freshness}
      runbooks={runbooks}
    >
      <QuotaChart data={data} max={max} breakerPercent={q.breakerPercent} />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="quota-table">
          <thead className="text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="py-1 pr-3">Provider</th>
              <th className="py-1 pr-3 text-right">Used today</th>
              <th className="py-1 pr-3 text-right">Quota</th>
              <th className="py-1 pr-3">Breaker</th>
              <th className="py-1">Resets in</th>
            </tr>
          </thead>
          <tbody>
            {q.rows.map((r) => (
              <tr key={r.provider} className="border-t border-zinc-100 dark:border-zinc-800" data-testid={`quota-${r.provider}`}>
                <td className="py-1.5 pr-3 font-medium">{r.label}</td>
                <td className={`py-1.5 pr-3 text-right tabular-nums ${r.atBreaker ? "font-semibold text-red-700 dark:text-red-400" : ""}`}>
                  {tokens(r.usedToday)} ({percent(r.usedPercent)})
                </td>
                <td className="py-1.5 pr-3 text-right tabular-nums">
                  {tokens(r.dailyQuota)}
                  {r.dailyQuota !== r.baseline && <span className="block text-xs text-zinc-500">baseline {tokens(r.baseline)}</span>}
                </td>
                <td className="py-1.5 pr-3">
                  <Badge tone={BREAKER_TONE[r.breaker]}>
                    {r.breaker}
                    {r.breakerReason ? ` (${r.breakerReason})` : ""}
                  </Badge>
                </td>
                <td className="py-1.5 tabular-nums">
                  {duration(r.msToReset)}
                  {r.atBreaker && r.waitForReset && <span className="block text-xs text-zinc-500">under 6 h: waiting is an option</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-zinc-500">
        Global circuit breaker: <span className={q.globalBreaker === "open" ? "font-semibold text-red-700 dark:text-red-400" : ""}>{q.globalBreaker}</span>
        {q.rateLimitedLastHour > 0 && ` · ${q.rateLimitedLastHour} flows failed with 429 in the last hour`}
      </p>
    </PanelFrame>
  );
}
