"use client";

import type { PanelsModel } from "@/lib/telemetry/panels";
import { budgetLevel } from "@/lib/telemetry/budget";
import { usd } from "@/lib/telemetry/format";
import { PHASE_LABELS } from "@/lib/telemetry/thresholds";
import { Badge } from "../ui/badge";
import { BudgetDaysChart, BudgetReposChart } from "./panel-charts";
import { Meter, PanelFrame, Stat, type Freshness } from "./panel-frame";
import type { OfferRunbook } from "./runbook-offer";

const LEVEL_TONE = { monitor: "ok", investigate: "warning", "circuit-breaker": "critical" } as const;
const BADGE_TONE = { monitor: "green", investigate: "amber", "circuit-breaker": "red" } as const;

/** Today's spend against the phase's levels, per repo against $5/day, the month, cost drivers and 30 days. */
export function BudgetPanel({ model, freshness, runbooks }: { model: PanelsModel; freshness: Freshness; runbooks: Record<string, OfferRunbook> }) {
  const b = model.budget;
  const { targetUsd, softUsd, hardUsd } = b.limits;
  const tone = LEVEL_TONE[b.level];
  const days = b.perDay.map((d) => ({ ...d, day: d.date.slice(5), tone: LEVEL_TONE[budgetLevel(d.usd, b.limits)] }));
  const dayMax = Math.max(hardUsd * 1.1, ...days.map((d) => d.usd));
  const repoMax = Math.max(b.repoLimitUsd * 1.5, ...b.repos.map((r) => r.usd));
  return (
    <PanelFrame
      id="budget"
      title="Budget"
      subtitle={`${PHASE_LABELS[b.limitsFrom]} limits: target ${usd(targetUsd)} · soft ${usd(softUsd)} · hard ${usd(hardUsd)} per day${b.limitsNote ? ` — ${b.limitsNote}` : ""}`}
      alerts={b.alerts}
      freshness={freshness}
      runbooks={runbooks}
    >
      <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
        <Stat label="Spent today" value={usd(b.todayUsd)} tone={tone} testId="budget-today" />
        <div>
          <dt className="text-xs text-zinc-500">Level</dt>
          <dd className="mt-1" data-testid="budget-level">
            <Badge tone={BADGE_TONE[b.level]}>{b.levelLabel}</Badge>
          </dd>
          {b.overTarget && b.level === "monitor" && <dd className="text-xs text-amber-700 dark:text-amber-400">above the {usd(targetUsd)} target</dd>}
        </div>
        <Stat label="Month to date" value={usd(b.month.toDateUsd)} />
        <Stat
          label="Month projection"
          value={usd(b.month.projectionUsd)}
          detail={`budget ${usd(b.month.budgetUsd)} (${usd(targetUsd)}/day target)`}
          tone={b.month.overBudget ? "warning" : undefined}
          testId="budget-projection"
        />
      </dl>
      <Meter
        label={`Today's spend ${usd(b.todayUsd)} against target ${usd(targetUsd)}, soft ${usd(softUsd)} and hard ${usd(hardUsd)} limits`}
        value={b.todayUsd}
        max={hardUsd * 1.2}
        tone={tone}
        marks={[
          { at: targetUsd, label: `target ${usd(targetUsd)}` },
          { at: softUsd, label: `soft ${usd(softUsd)}` },
          { at: hardUsd, label: `hard ${usd(hardUsd)}` },
        ]}
      />

      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Spend per day, last 30 days</h3>
        <BudgetDaysChart days={days} dayMax={dayMax} limits={b.limits} />
      </div>

      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Spend per repo today (limit {usd(b.repoLimitUsd)} per repo per day)</h3>
        {b.repos.length === 0 ? (
          <p className="text-sm text-zinc-500">No spend yet today.</p>
        ) : (
          <div style={{ height: Math.max(80, b.repos.length * 22 + 30) }}>
            <BudgetReposChart repos={b.repos} repoMax={repoMax} repoLimitUsd={b.repoLimitUsd} />
          </div>
        )}
        <ul className="sr-only">
          {b.repos.map((r) => (
            <li key={r.repo}>
              {r.repo}: {usd(r.usd)}
              {r.over ? " — over the limit" : ""}
            </li>
          ))}
        </ul>
      </div>

      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Cost drivers</h3>
        <ul className="space-y-2 text-sm" data-testid="cost-drivers">
          {b.costDrivers.map((d) => (
            <li key={d.id} className="flex gap-2">
              <Badge tone={d.detected ? "amber" : "zinc"}>{d.detected ? "detected" : "not seen"}</Badge>
              <div className="min-w-0">
                <p>
                  <span className="font-medium">{d.label}</span> → {d.remedy} (−{d.savingPercent} % cost
                  {d.detected && d.savingUsdPerDay > 0 ? `, about ${usd(d.savingUsdPerDay)}/day at today's spend` : ""})
                </p>
                <p className="text-xs text-zinc-500">{d.evidence}</p>
              </div>
            </li>
          ))}
        </ul>
      </div>
    </PanelFrame>
  );
}
