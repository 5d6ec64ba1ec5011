"use client";

import { createContext, useContext } from "react";
import type { QuotaRow } from "@/lib/telemetry/quota";
import { usd } from "@/lib/telemetry/format";
import { COLORS } from "./chart";
import * as Interactive from "./lazy-charts";
import { ColumnChart, DotChart, RowChart } from "./light-charts";

/**
 * The five panel charts. Drawn light (light-charts.tsx) unless the person turned on interactive charts, which load
 * Recharts then, and only then (a toggle above the panels; PanelsView provides it).
 */
export const InteractiveCharts = createContext(false);

type Tone = "ok" | "warning" | "critical";
type Limits = { targetUsd: number; softUsd: number; hardUsd: number };
type Flow = { i: number; seconds: number };

const dollars = (v: number) => `$${v}`;
const pct = (v: number) => `${v}%`;

export function BudgetDaysChart(props: { days: { day: string; usd: number; tone: Tone }[]; dayMax: number; limits: Limits }) {
  const interactive = useContext(InteractiveCharts);
  if (interactive) return <Interactive.BudgetDaysChart {...props} />;
  const { days, dayMax, limits } = props;
  const max = Math.ceil(dayMax / 10) * 10;
  return (
    <ColumnChart
      testId="chart-budget-days"
      label={`Spend per day for ${days.length} days, from ${usd(Math.min(...days.map((d) => d.usd), 0))} to ${usd(Math.max(...days.map((d) => d.usd), 0))}; ${days.filter((d) => d.tone !== "ok").length} days over the target`}
      height={180}
      max={max}
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
}

export function BudgetReposChart(props: { repos: { repo: string; usd: number; over: boolean }[]; repoMax: number; repoLimitUsd: number }) {
  const interactive = useContext(InteractiveCharts);
  if (interactive) return <Interactive.BudgetReposChart {...props} />;
  const { repos, repoMax, repoLimitUsd } = props;
  return (
    <RowChart
      testId="chart-budget-repos"
      label={`Spend per repo today, ${repos.filter((r) => r.over).length} of ${repos.length} over the ${usd(repoLimitUsd)} limit`}
      max={Math.ceil(repoMax)}
      limit={repoLimitUsd}
      limitLabel={usd(repoLimitUsd)}
      format={usd}
      rows={repos.map((r) => ({ key: r.repo, label: r.repo, value: r.usd, color: r.over ? COLORS.critical : COLORS.ok, title: `${r.repo}: ${usd(r.usd)}${r.over ? " (over the limit)" : ""}` }))}
    />
  );
}

export function SloDurationChart(props: { ok: Flow[]; bad: Flow[]; count: number; sloSeconds: number; timeoutSeconds: number }) {
  const interactive = useContext(InteractiveCharts);
  if (interactive) return <Interactive.SloDurationChart {...props} />;
  const { ok, bad, count, sloSeconds, timeoutSeconds } = props;
  const dot = (tone: "ok" | "critical", what: string) => (f: Flow) => ({ key: `${what}-${f.i}`, x: f.i, y: f.seconds, color: COLORS[tone], title: `flow ${f.i}: ${f.seconds} s, ${what}` });
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
}

export function SloRatesChart(props: { rates: { repo: string; pct: number; over: boolean }[]; linePercent: number }) {
  const interactive = useContext(InteractiveCharts);
  if (interactive) return <Interactive.SloRatesChart {...props} />;
  const { rates, linePercent } = props;
  return (
    <RowChart
      testId="chart-slo-rates"
      label={`Failure rate per repo over 24 hours, ${rates.filter((r) => r.over).length} of ${rates.length} over ${linePercent} %`}
      max={100}
      limit={linePercent}
      format={(v) => `${v} %`}
      rows={rates.map((r) => ({ key: r.repo, label: r.repo, value: r.pct, color: r.over ? COLORS.critical : COLORS.ok, title: `${r.repo}: ${r.pct} %` }))}
    />
  );
}

export function QuotaChart(props: { data: (QuotaRow & { used: number })[]; max: number; breakerPercent: number }) {
  const interactive = useContext(InteractiveCharts);
  if (interactive) return <Interactive.QuotaChart {...props} />;
  const { data, max, breakerPercent } = props;
  return (
    <ColumnChart
      testId="chart-quota"
      label={`Daily quota used per provider: ${data.map((d) => `${d.label} ${d.used} %`).join(", ")}; the breaker trips at ${breakerPercent} %`}
      height={170}
      max={max}
      format={pct}
      columns={data.map((d) => ({ key: d.provider, label: d.label, value: d.used, color: d.atBreaker ? COLORS.critical : COLORS.ok, title: `${d.label}: ${d.used} % used today` }))}
      lines={[{ value: breakerPercent, color: COLORS.critical, label: `breaker ${breakerPercent} %` }]}
    />
  );
}
