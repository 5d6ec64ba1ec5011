"use client";

import { createContext, useContext, type ComponentType } from "react";
import { usd } from "@/lib/telemetry/format";
import { COLORS } from "./chart";
// Types only: the Recharts module itself loads through lazy-charts.tsx, and only when interactive charts are on.
import type * as Recharts from "./charts";
import * as Interactive from "./lazy-charts";
import { ColumnChart, DotChart, RowChart } from "./light-charts";

/**
 * The five panel charts. Drawn light (light-charts.tsx) unless the person turned on interactive charts, which load
 * Recharts then, and only then (a toggle above the panels; PanelsView provides it).
 */
export const InteractiveCharts = createContext(false);

/** A chart's props: the same for its light and its Recharts drawing. */
type Props<K extends keyof typeof Recharts> = Parameters<(typeof Recharts)[K]>[0];

/** The light drawing, or the Recharts one while interactive charts are on. */
function panelChart<P extends object>(Light: ComponentType<P>, Rich: ComponentType<P>) {
  return function PanelChart(props: P) {
    return useContext(InteractiveCharts) ? <Rich {...props} /> : <Light {...props} />;
  };
}

const dollars = (v: number) => `$${v}`;
/** A bar over its limit is red, as on the Recharts charts. */
const barColor = (over: boolean) => (over ? COLORS.critical : COLORS.ok);

export const BudgetDaysChart = panelChart(function LightBudgetDays({ days, dayMax, limits }: Props<"BudgetDaysChart">) {
  return (
    <ColumnChart
      testId="chart-budget-days"
      label={`Spend per day for ${days.length} days, from ${usd(Math.min(...days.map((d) => d.usd), 0))} to ${usd(Math.max(...days.map((d) => d.usd), 0))}; ${days.filter((d) => d.tone !== "ok").length} days over the target`}
      height={180}
      max={Math.ceil(dayMax / 10) * 10}
      format={dollars}
      labelEvery={5}
      columns={days.map((d) => ({ key: d.day, label: d.day, value: d.usd, color: COLORS[d.tone], title: `${d.day}: ${usd(d.usd)}` }))}
      lines={[
        { value: limits.targetUsd, color: COLORS.target, label: "target" },
        { value: limits.softUsd, color: COLORS.soft, label: "soft" },
        { value: limits.hardUsd, color: COLORS.hard, label: "hard" },
      ]}
    />
  );
}, Interactive.BudgetDaysChart);

export const BudgetReposChart = panelChart(function LightBudgetRepos({ repos, repoMax, repoLimitUsd }: Props<"BudgetReposChart">) {
  return (
    <RowChart
      testId="chart-budget-repos"
      label={`Spend per repo today, ${repos.filter((r) => r.over).length} of ${repos.length} over the ${usd(repoLimitUsd)} limit`}
      max={Math.ceil(repoMax)}
      limit={repoLimitUsd}
      limitLabel={usd(repoLimitUsd)}
      format={usd}
      rows={repos.map((r) => ({ key: r.repo, label: r.repo, value: r.usd, color: barColor(r.over), title: `${r.repo}: ${usd(r.usd)}${r.over ? " (over the limit)" : ""}` }))}
    />
  );
}, Interactive.BudgetReposChart);

export const SloDurationChart = panelChart(function LightSloDurations({ ok, bad, count, sloSeconds, timeoutSeconds }: Props<"SloDurationChart">) {
  const dot = (tone: "ok" | "critical", what: string) => (f: { i: number; seconds: number }) => ({ key: `${what}-${f.i}`, x: f.i, y: f.seconds, color: COLORS[tone], title: `flow ${f.i}: ${f.seconds} s, ${what}` });
  return (
    <DotChart
      testId="chart-slo-durations"
      label={`Durations of the last ${count} flows: ${ok.length} succeeded, ${bad.length} failed, ${[...ok, ...bad].filter((f) => f.seconds > sloSeconds).length} over ${sloSeconds} s`}
      height={170}
      xMax={count + 1}
      yMax={200}
      ticks={[0, 60, 120, 180]}
      format={(v) => `${v} s`}
      dots={[...ok.map(dot("ok", "succeeded")), ...bad.map(dot("critical", "failed"))]}
      lines={[
        { value: sloSeconds, color: COLORS.warning, label: `SLO ${sloSeconds} s` },
        { value: timeoutSeconds, color: COLORS.critical, label: `timeout ${timeoutSeconds} s` },
      ]}
    />
  );
}, Interactive.SloDurationChart);

export const SloRatesChart = panelChart(function LightSloRates({ rates, linePercent }: Props<"SloRatesChart">) {
  return (
    <RowChart
      testId="chart-slo-rates"
      label={`Failure rate per repo over 24 hours, ${rates.filter((r) => r.over).length} of ${rates.length} over ${linePercent} %`}
      max={100}
      limit={linePercent}
      format={(v) => `${v} %`}
      rows={rates.map((r) => ({ key: r.repo, label: r.repo, value: r.pct, color: barColor(r.over), title: `${r.repo}: ${r.pct} %` }))}
    />
  );
}, Interactive.SloRatesChart);

export const QuotaChart = panelChart(function LightQuota({ data, max, breakerPercent }: Props<"QuotaChart">) {
  return (
    <ColumnChart
      testId="chart-quota"
      label={`Daily quota used per provider: ${data.map((d) => `${d.label} ${d.used} %`).join(", ")}; the breaker trips at ${breakerPercent} %`}
      height={170}
      max={max}
      format={(v) => `${v}%`}
      columns={data.map((d) => ({ key: d.provider, label: d.label, value: d.used, color: barColor(d.atBreaker), title: `${d.label}: ${d.used} % used today` }))}
      lines={[{ value: breakerPercent, color: COLORS.critical, label: `breaker ${breakerPercent} %` }]}
    />
  );
}, Interactive.QuotaChart);
