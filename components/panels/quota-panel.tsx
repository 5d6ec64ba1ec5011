"use client";

import type { PanelsModel } from "@/lib/telemetry/panels";
import { duration, percent, tokens } from "@/lib/telemetry/format";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";
import { DataTable } from "../ui/data-table";
import { QuotaChart } from "./panel-charts";
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
      <DataTable
        variant="compact"
        testId="quota-table"
        rows={q.rows}
        rowKey={(r) => r.provider}
        rowProps={(r) => ({ "data-testid": `quota-${r.provider}` })}
        columns={[
          { header: "Provider", className: "font-medium", cell: (r) => r.label },
          {
            header: "Used today",
            numeric: true,
            className: (r) => cx("tabular-nums", r.atBreaker && "font-semibold text-red-700 dark:text-red-400"),
            cell: (r) => `${tokens(r.usedToday)} (${percent(r.usedPercent)})`,
          },
          {
            header: "Quota",
            numeric: true,
            className: "tabular-nums",
            cell: (r) => (
              <>
                {tokens(r.dailyQuota)}
                {r.dailyQuota !== r.baseline && <span className="block text-xs text-zinc-500">baseline {tokens(r.baseline)}</span>}
              </>
            ),
          },
          {
            header: "Breaker",
            cell: (r) => (
              <Badge tone={BREAKER_TONE[r.breaker]}>
                {r.breaker}
                {r.breakerReason ? ` (${r.breakerReason})` : ""}
              </Badge>
            ),
          },
          {
            header: "Resets in",
            className: "tabular-nums",
            cell: (r) => (
              <>
                {duration(r.msToReset)}
                {r.atBreaker && r.waitForReset && <span className="block text-xs text-zinc-500">under 6 h: waiting is an option</span>}
              </>
            ),
          },
        ]}
      />
      <p className="text-xs text-zinc-500">
        Global circuit breaker: <span className={q.globalBreaker === "open" ? "font-semibold text-red-700 dark:text-red-400" : ""}>{q.globalBreaker}</span>
        {q.rateLimitedLastHour > 0 && ` · ${q.rateLimitedLastHour} flows failed with 429 in the last hour`}
      </p>
    </PanelFrame>
  );
}
