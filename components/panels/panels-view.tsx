"use client";

import { useQuery } from "@tanstack/react-query";
import type { PanelsResponse } from "@/lib/telemetry/panels";
import { panelsQuery } from "@/lib/client/panels";
import { BudgetPanel } from "./budget-panel";
import { CapacityPanel } from "./capacity-panel";
import { PanelFrame, type Freshness } from "./panel-frame";
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

/** The four live panels, refreshed every 2 s while the tab is visible, with how fresh their numbers are. */
export function PanelsView({ initial, runbooks, statusPages }: { initial: PanelsResponse; runbooks: Record<string, OfferRunbook>; statusPages?: Record<string, { label: string; url: string }> }) {
  const { data = initial, isError, error, dataUpdatedAt } = useQuery({ ...panelsQuery, initialData: initial });
  const model = data.model;
  const freshness: Freshness = { stale: data.stale || isError, unreachable: model === null, error: isError ? (error as Error).message : data.error, fetchedAt: data.fetchedAt };
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
        <span>Refreshes every 2 s while this tab is visible</span>
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
      <div className="grid gap-6 xl:grid-cols-2">
        {model ? (
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
        )}
      </div>
    </div>
  );
}
