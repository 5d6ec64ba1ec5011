"use client";

import type { ReactNode } from "react";
import { COLORS } from "./chart";

/**
 * The panels' charts as plain SVG and HTML: a few dozen elements each, drawn with the page and redrawn on every
 * 2 s refresh at no cost worth measuring. Recharts drew the same five charts in 0.5 s of main thread on a laptop and
 * 2.7 s on a throttled phone, and kept /panels at Lighthouse 78 (desktop) and 70 (mobile); without it, 100 and 87
 * (docs/benchmarks.md). Recharts stays one click away, for hovering values (panel-charts.tsx chooses).
 *
 * Horizontal positions are percentages of the chart's width, vertical ones pixels of its fixed height, so a chart
 * fills any width without stretching its text. Each value is also in the bar's <title> (a hover tooltip) and in the
 * chart's accessible name or the list beside it.
 */

const TOP = 8;
const AXIS_WIDTH = 48;
const LABEL_ROOM = 18;

type Line = { value: number; color: string; label?: string };

/** A y position (px) for `value` on a plot `height` px tall, for values from 0 to `max`. */
const yOf = (value: number, max: number, height: number) => TOP + (1 - Math.min(value, max) / max) * (height - TOP);

function YAxis({ ticks, max, plotHeight, format }: { ticks: number[]; max: number; plotHeight: number; format: (v: number) => string }) {
  return (
    <div aria-hidden="true" className="relative shrink-0 text-[11px] text-zinc-500" style={{ width: AXIS_WIDTH, height: plotHeight }}>
      {ticks.map((t) => (
        <span key={t} className="absolute right-1.5 -translate-y-1/2 tabular-nums" style={{ top: yOf(t, max, plotHeight) }}>
          {format(t)}
        </span>
      ))}
    </div>
  );
}

function Grid({ ticks, max, plotHeight }: { ticks: number[]; max: number; plotHeight: number }) {
  return ticks.map((t) => {
    const y = yOf(t, max, plotHeight);
    return <line key={t} x1="0" x2="100%" y1={y} y2={y} stroke="#a1a1aa33" strokeDasharray="3 3" />;
  });
}

function Lines({ lines, max, plotHeight }: { lines: Line[]; max: number; plotHeight: number }) {
  return lines.map((l) => {
    const y = yOf(l.value, max, plotHeight);
    return (
      <g key={`${l.label}-${l.value}`}>
        <line x1="0" x2="100%" y1={y} y2={y} stroke={l.color} strokeDasharray="4 3" />
        {l.label && (
          <text x="4" y={y - 3} fontSize="10" fill={l.color}>
            {l.label}
          </text>
        )}
      </g>
    );
  });
}

/** Evenly spaced round ticks from 0 to at least `max`: 0, step, 2·step… */
function ticksFor(max: number, count = 4): number[] {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return Array.from({ length: Math.floor(max / step) + 1 }, (_, i) => Math.round(i * step * 100) / 100);
}

type Column = { key: string; label: string; value: number; color: string; title: string };

/** Vertical bars (one per day, one per provider) with dashed reference lines and a labelled y axis. */
export function ColumnChart({ columns, max, lines, height, format, labelEvery = 1, label, testId }: { columns: Column[]; max: number; lines: Line[]; height: number; format: (v: number) => string; labelEvery?: number; label: string; testId?: string }) {
  const plotHeight = height - LABEL_ROOM;
  const ticks = ticksFor(max);
  const n = Math.max(columns.length, 1);
  return (
    <div className="flex" role="img" aria-label={label} data-testid={testId}>
      <YAxis ticks={ticks} max={max} plotHeight={plotHeight} format={format} />
      <svg width="100%" height={height} className="min-w-0 flex-1 overflow-visible">
        <Grid ticks={ticks} max={max} plotHeight={plotHeight} />
        {columns.map((c, i) => {
          const y = yOf(c.value, max, plotHeight);
          return (
            <rect key={c.key} x={`${((i + 0.15) / n) * 100}%`} width={`${(0.7 / n) * 100}%`} y={y} height={Math.max(0, plotHeight - y)} fill={c.color} data-chart-mark="">
              <title>{c.title}</title>
            </rect>
          );
        })}
        <Lines lines={lines} max={max} plotHeight={plotHeight} />
        {columns.map((c, i) =>
          i % labelEvery === 0 ? (
            <text key={c.key} x={`${((i + 0.5) / n) * 100}%`} y={height - 4} fontSize="11" fill="#71717a" textAnchor="middle">
              {c.label}
            </text>
          ) : null,
        )}
      </svg>
    </div>
  );
}

type Row = { key: string; label: string; value: number; color: string; title: string };

/** Horizontal bars (one per repo) with one dashed limit line; plain HTML, so long names wrap and truncate as text does. */
export function RowChart({ rows, max, limit, limitLabel, format, label, testId }: { rows: Row[]; max: number; limit: number; limitLabel?: string; format: (v: number) => string; label: string; testId?: string }) {
  const at = (v: number) => `${(Math.min(v, max) / max) * 100}%`;
  return (
    <div role="img" aria-label={label} data-testid={testId} className="space-y-1 text-[11px] text-zinc-500">
      {rows.map((r) => (
        <div key={r.key} className="flex items-center gap-2" title={r.title}>
          <span className="w-28 shrink-0 truncate text-right">{r.label}</span>
          <span className="relative h-3.5 min-w-0 flex-1">
            <span className="absolute inset-y-0 left-0 rounded-r-sm" style={{ width: at(r.value), background: r.color }} data-chart-mark="" />
            <span className="absolute -inset-y-0.5 border-l border-dashed" style={{ left: at(limit), borderColor: COLORS.hard }} />
          </span>
          <span className="w-14 shrink-0 tabular-nums">{format(r.value)}</span>
        </div>
      ))}
      {limitLabel && (
        <div className="flex gap-2">
          <span className="w-28 shrink-0" />
          <span className="relative h-3 min-w-0 flex-1">
            {/* Darker than the line's red: text needs 4.5:1 against the panel (the accessibility spec found 3.8:1). */}
            <span className="absolute -translate-x-1/2 whitespace-nowrap text-red-700 dark:text-red-400" style={{ left: at(limit) }}>
              {limitLabel}
            </span>
          </span>
          <span className="w-14 shrink-0" />
        </div>
      )}
    </div>
  );
}

type Dot = { key: string; x: number; y: number; color: string; title: string };

/** Points (one per flow, in order) against fixed y ticks and reference lines. */
export function DotChart({ dots, xMax, yMax, ticks, lines, height, format, label, testId, legend }: { dots: Dot[]; xMax: number; yMax: number; ticks: number[]; lines: Line[]; height: number; format: (v: number) => string; label: string; testId?: string; legend?: ReactNode }) {
  return (
    <div>
      <div className="flex" role="img" aria-label={label} data-testid={testId}>
        <YAxis ticks={ticks} max={yMax} plotHeight={height} format={format} />
        <svg width="100%" height={height} className="min-w-0 flex-1 overflow-visible">
          <Grid ticks={ticks} max={yMax} plotHeight={height} />
          <Lines lines={lines} max={yMax} plotHeight={height} />
          {dots.map((d) => (
            <circle key={d.key} cx={`${(d.x / Math.max(xMax, 1)) * 100}%`} cy={yOf(d.y, yMax, height)} r="3.5" fill={d.color} data-chart-mark="">
              <title>{d.title}</title>
            </circle>
          ))}
        </svg>
      </div>
      {legend}
    </div>
  );
}
