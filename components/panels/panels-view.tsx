"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useEffect, useMemo, useState } from "react";
import type { PanelsResponse } from "@/lib/telemetry/panels";
import { panelsQuery } from "@/lib/client/panels";
import { BudgetPanel } from "./budget-panel";
import { CapacityPanel } from "./capacity-panel";
import { PanelFrame, type Freshness } from "./panel-frame";
import { InteractiveCharts } from "./panel-charts";
import { QuotaPanel } from "./quota-panel";
import type { OfferRunbook } from "./runbook-offer";
import { SloPanel } from "./slo-panel";

const utc = (iso: string) => `${iso.slice(0, 19).replace("T", " ")} UTC`;

const PANELS = [
  { id: "budget", title: "Budget" },
  { id: "quota", title: "Quota" },
  { id: "slo", title: "SLO" },
  { id: "capacity", title: "Capacity" },
] as const;

/**
 * The four live panels, refreshed every 2 s while the tab is visible, with how fresh their numbers are. A refresh is
 * drawn through `useDeferredValue`: React renders the four panels when the main thread is free, in pieces, not in
 * the task that received the numbers (on a phone that task held the main thread for tens of milliseconds every 2 s:
 * docs/benchmarks.md, "Phone main thread").
 */
export function PanelsView({ initial, runbooks, statusPages }: { initial: PanelsResponse; runbooks: Record<string, OfferRunbook>; statusPages?: Record<string, { label: string; url: string }> }) {
  const { data: latest = initial, isError, error, dataUpdatedAt } = useQuery({ ...panelsQuery, initialData: initial });
  const data = useDeferredValue(latest);
  const [interactive, setInteractive] = useInteractiveChartsSetting();
  const model = data.model;
  const errorMessage = isError ? (error as Error).message : data.error;
  const freshness = useMemo<Freshness>(
    () => ({ stale: data.stale || isError, unreachable: model === null, error: errorMessage, fetchedAt: data.fetchedAt }),
    [data.stale, data.fetchedAt, isError, model, errorMessage],
  );
  const panels = useMemo(
    () =>
      model ? (
        <>
          <BudgetPanel model={model} freshness={freshness} runbooks={runbooks} />
          <SloPanel model={model} freshness={freshness} runbooks={runbooks} statusPages={statusPages} />
          <QuotaPanel model={model} freshness={freshness} runbooks={runbooks} />
          <CapacityPanel model={model} freshness={freshness} runbooks={runbooks} />
        </>
      ) : (
        PANELS.map((p) => (
          <PanelFrame key={p.id} id={p.id} title={p.title} alerts={[]} freshness={freshness} runbooks={runbooks}>
            {null}
          </PanelFrame>
        ))
      ),
    [model, freshness, runbooks, statusPages],
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-500" data-testid="panels-freshness">
        <span>
          {model ? (
            <>
              {model.phaseLabel} · control plane clock {utc(model.at)} · fetched {data.fetchedAt ? utc(data.fetchedAt) : "—"}
            </>
          ) : (
            "No telemetry yet"
          )}
        </span>
        <span className="flex flex-wrap items-center gap-3">
          Refreshes every 2 s while this tab is visible
          {/* Light charts by default (light-charts.tsx); Recharts, with values on hover, loads only when asked for. */}
          <button
            type="button"
            aria-pressed={interactive}
            onClick={() => setInteractive(!interactive)}
            className="min-h-11 rounded-md border border-zinc-300 px-3 text-xs font-medium text-zinc-700 hover:bg-zinc-100 md:min-h-8 dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            Interactive charts
          </button>
        </span>
      </div>
      {(isError || data.stale || !model) && (
        <p role="status" data-testid="panels-stale" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          {isError ? (
            <>
              <strong>Live updates paused</strong>: {(error as Error).message}. Showing what the portal answered at {new Date(dataUpdatedAt).toISOString().slice(11, 19)} UTC.
            </>
          ) : !model ? (
            <>
              <strong>Control plane unreachable</strong>: {data.error ?? "no telemetry yet"}. The panels fill in when it answers.
            </>
          ) : (
            <>
              <strong>Stale</strong>: the control plane did not answer the last refresh ({data.error}). These numbers are from {data.fetchedAt ? utc(data.fetchedAt) : "earlier"}.
            </>
          )}
        </p>
      )}
      {model && model.alerts.length > 0 && (
        <nav aria-label="Thresholds crossed" className="flex flex-wrap gap-2 text-sm">
          {PANELS.map((p) => {
            const n = model[p.id].alerts.length;
            return n > 0 ? (
              <a key={p.id} href={`#${p.id}`} className="rounded-md border border-amber-300 px-2 py-1 hover:bg-amber-50 dark:border-amber-800 dark:hover:bg-amber-950">
                {p.title}: {n} crossed
              </a>
            ) : null;
          })}
        </nav>
      )}
      <InteractiveCharts.Provider value={interactive}>
        <div className="grid gap-6 xl:grid-cols-2">{panels}</div>
      </InteractiveCharts.Provider>
    </div>
  );
}

const INTERACTIVE_KEY = "panels.interactiveCharts";

/**
 * Whether the panels draw Recharts, kept in this browser (localStorage) so someone who turned them on finds them on at
 * the next visit. Read after hydration: the server renders the light charts, which are also the default.
 */
function useInteractiveChartsSetting(): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    try {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- one-time read of the saved setting after hydration
      if (localStorage.getItem(INTERACTIVE_KEY) === "on") setOn(true);
    } catch {
      // storage refused (private mode, policy): the default stands
    }
  }, []);
  const set = (next: boolean) => {
    setOn(next);
    try {
      if (next) localStorage.setItem(INTERACTIVE_KEY, "on");
      else localStorage.removeItem(INTERACTIVE_KEY);
    } catch {
      // not remembered, still applied
    }
  };
  return [on, set];
}
