"use client";

import { Bar, BarChart, CartesianGrid, Rectangle, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis, type BarShapeProps } from "recharts";
import type { QuotaRow } from "@/lib/telemetry/quota";
import { usd } from "@/lib/telemetry/format";
import { AXIS, CHART_STYLE, COLORS } from "./chart";

/**
 * The panels' Recharts charts. Only lazy-charts.tsx imports this module, so Recharts loads after the page's own
 * scripts and the panels' numbers (server-rendered) do not wait for it.
 */

type Tone = "ok" | "warning" | "critical";
type Limits = { targetUsd: number; softUsd: number; hardUsd: number };

export function BudgetDaysChart({ days, dayMax, limits }: { days: { day: string; usd: number; tone: Tone }[]; dayMax: number; limits: Limits }) {
  const { targetUsd, softUsd, hardUsd } = limits;
  return (
    <BarChart responsive style={CHART_STYLE(180)} data={days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#a1a1aa33" />
      <XAxis dataKey="day" tick={AXIS} interval={4} />
      <YAxis tick={AXIS} width={44} domain={[0, Math.ceil(dayMax / 10) * 10]} tickFormatter={(v: number) => `$${v}`} />
      <Tooltip formatter={(v) => usd(Number(v))} labelFormatter={(l) => String(l)} />
      <ReferenceLine y={targetUsd} stroke={COLORS.target} strokeDasharray="4 3" label={{ value: "target", position: "insideTopLeft", fontSize: 10, fill: COLORS.target }} />
      <ReferenceLine y={softUsd} stroke={COLORS.soft} strokeDasharray="4 3" label={{ value: "soft", position: "insideTopLeft", fontSize: 10, fill: COLORS.soft }} />
      <ReferenceLine y={hardUsd} stroke={COLORS.hard} strokeDasharray="4 3" label={{ value: "hard", position: "insideTopLeft", fontSize: 10, fill: COLORS.hard }} />
      <Bar dataKey="usd" name="Spend" isAnimationActive={false} shape={(p: BarShapeProps) => <Rectangle {...p} fill={COLORS[(p.payload as { tone: Tone }).tone]} />} />
    </BarChart>
  );
}

export function BudgetReposChart({ repos, repoMax, repoLimitUsd }: { repos: { repo: string; usd: number; over: boolean }[]; repoMax: number; repoLimitUsd: number }) {
  return (
    <BarChart responsive layout="vertical" style={CHART_STYLE(Math.max(80, repos.length * 22 + 30))} data={repos} margin={{ top: 4, right: 16, bottom: 0, left: 0 }}>
      <XAxis type="number" tick={AXIS} domain={[0, Math.ceil(repoMax)]} allowDecimals={false} tickFormatter={(v: number) => `$${v}`} />
      <YAxis type="category" dataKey="repo" tick={AXIS} width={120} />
      <Tooltip formatter={(v) => usd(Number(v))} />
      <ReferenceLine x={repoLimitUsd} stroke={COLORS.hard} strokeDasharray="4 3" label={{ value: `${usd(repoLimitUsd)}`, position: "top", fontSize: 10, fill: COLORS.hard }} />
      <Bar dataKey="usd" name="Spend today" isAnimationActive={false} shape={(p: BarShapeProps) => <Rectangle {...p} fill={(p.payload as { over: boolean }).over ? COLORS.critical : COLORS.ok} />} />
    </BarChart>
  );
}

type Flow = { i: number; seconds: number };

export function SloDurationChart({ ok, bad, count, sloSeconds, timeoutSeconds }: { ok: Flow[]; bad: Flow[]; count: number; sloSeconds: number; timeoutSeconds: number }) {
  return (
    <ScatterChart responsive style={CHART_STYLE(170)} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" stroke="#a1a1aa33" />
      <XAxis dataKey="i" type="number" tick={AXIS} name="flow" allowDecimals={false} domain={[0, count + 1]} hide />
      <YAxis dataKey="seconds" type="number" tick={AXIS} width={52} domain={[0, 200]} ticks={[0, 60, 120, 180]} tickFormatter={(v: number) => `${v} s`} />
      <ZAxis range={[28, 28]} />
      <Tooltip formatter={(v, name) => (name === "seconds" ? `${v} s` : String(v))} />
      <ReferenceLine y={sloSeconds} stroke={COLORS.warning} strokeDasharray="4 3" label={{ value: "SLO 120 s", position: "insideTopLeft", fontSize: 10, fill: COLORS.warning }} />
      <ReferenceLine y={timeoutSeconds} stroke={COLORS.critical} strokeDasharray="4 3" label={{ value: "timeout 180 s", position: "insideTopLeft", fontSize: 10, fill: COLORS.critical }} />
      <Scatter name="succeeded" data={ok} fill={COLORS.ok} isAnimationActive={false} />
      <Scatter name="failed" data={bad} fill={COLORS.critical} isAnimationActive={false} />
    </ScatterChart>
  );
}

export function SloRatesChart({ rates, linePercent }: { rates: { repo: string; pct: number; over: boolean }[]; linePercent: number }) {
  return (
    <BarChart responsive layout="vertical" style={CHART_STYLE(Math.max(80, rates.length * 22 + 30))} data={rates} margin={{ top: 4, right: 16, bottom: 0, left: 0 }}>
      <XAxis type="number" tick={AXIS} domain={[0, 100]} tickFormatter={(v: number) => `${v}%`} />
      <YAxis type="category" dataKey="repo" tick={AXIS} width={120} />
      <Tooltip formatter={(v) => `${v} %`} />
      <ReferenceLine x={linePercent} stroke={COLORS.critical} strokeDasharray="4 3" />
      <Bar dataKey="pct" name="Failure rate" isAnimationActive={false} shape={(p: BarShapeProps) => <Rectangle {...p} fill={(p.payload as { over: boolean }).over ? COLORS.critical : COLORS.ok} />} />
    </BarChart>
  );
}

export function QuotaChart({ data, max, breakerPercent }: { data: (QuotaRow & { used: number })[]; max: number; breakerPercent: number }) {
  return (
    <BarChart responsive style={CHART_STYLE(170)} data={data} margin={{ top: 12, right: 8, bottom: 0, left: 0 }} accessibilityLayer>
      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#a1a1aa33" />
      <XAxis dataKey="label" tick={AXIS} />
      <YAxis tick={AXIS} width={40} domain={[0, max]} tickFormatter={(v: number) => `${v}%`} />
      <Tooltip formatter={(v) => `${v} %`} />
      <ReferenceLine y={breakerPercent} stroke={COLORS.critical} strokeDasharray="4 3" label={{ value: `breaker ${breakerPercent} %`, position: "insideTopRight", fontSize: 10, fill: COLORS.critical }} />
      <Bar dataKey="used" name="Used today" isAnimationActive={false} shape={(p: BarShapeProps) => <Rectangle {...p} fill={(p.payload as QuotaRow).atBreaker ? COLORS.critical : COLORS.ok} />} />
    </BarChart>
  );
}
