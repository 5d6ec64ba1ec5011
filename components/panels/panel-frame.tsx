"use client";

import type { ReactNode } from "react";
import { runbookOffers, type PanelAlert } from "@/lib/telemetry/alerts";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";
import { RunbookOffer, type OfferRunbook } from "./runbook-offer";

/** How fresh the numbers on screen are. */
export type Freshness = {
  /** The numbers are older than they should be: the control plane's last refresh failed, or the portal did not answer. */
  stale: boolean;
  /** Nothing was ever obtained from the control plane. */
  unreachable: boolean;
  error: string | null;
  fetchedAt: string | null;
};

const utc = (iso: string) => `${iso.slice(11, 19)} UTC`;

/** A live panel: title, its state (ok / threshold crossed / stale), its content, and the runbooks its alerts call for. */
export function PanelFrame({
  id,
  title,
  subtitle,
  alerts,
  freshness,
  runbooks,
  children,
}: {
  id: string;
  title: string;
  subtitle?: ReactNode;
  alerts: PanelAlert[];
  freshness: Freshness;
  runbooks: Record<string, OfferRunbook>;
  children: ReactNode;
}) {
  const critical = alerts.some((a) => a.severity === "critical");
  const offers = runbookOffers(alerts);
  return (
    <section
      id={id}
      aria-labelledby={`${id}-title`}
      data-testid={`${id}-panel`}
      className={cx(
        "render-when-near min-w-0 rounded-lg border bg-white shadow-sm [--near-height:520px] dark:bg-zinc-900",
        alerts.length === 0 ? "border-zinc-200 dark:border-zinc-800" : critical ? "border-red-400 dark:border-red-700" : "border-amber-400 dark:border-amber-700",
      )}
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div>
          <h2 id={`${id}-title`} className="text-sm font-semibold">
            {title}
          </h2>
          {subtitle && <p className="text-xs text-zinc-500">{subtitle}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-2" data-testid={`${id}-status`}>
          {freshness.unreachable ? (
            <Badge tone="zinc">no data</Badge>
          ) : alerts.length === 0 ? (
            <Badge tone="green">within thresholds</Badge>
          ) : (
            <Badge tone={critical ? "red" : "amber"}>
              {alerts.length} threshold{alerts.length === 1 ? "" : "s"} crossed
            </Badge>
          )}
          {freshness.stale && !freshness.unreachable && (
            <Badge tone="orange" className="cursor-help">
              <span title={freshness.error ?? undefined}>stale{freshness.fetchedAt ? ` since ${utc(freshness.fetchedAt)}` : ""}</span>
            </Badge>
          )}
        </div>
      </header>
      <div className="space-y-4 p-4">
        {freshness.unreachable ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Control plane unreachable: {freshness.error ?? "no telemetry yet"}. The panel fills in when it answers.</p>
        ) : (
          <>
            {alerts.length > 0 && (
              <ul className="space-y-1 text-sm" aria-label={`${title}: thresholds crossed`}>
                {alerts.map((a) => (
                  <li key={a.key} className={cx("flex gap-2", a.severity === "critical" ? "text-red-800 dark:text-red-300" : "text-amber-800 dark:text-amber-300")}>
                    <span aria-hidden="true">{a.severity === "critical" ? "●" : "▲"}</span>
                    <span>{a.message}</span>
                  </li>
                ))}
              </ul>
            )}
            {children}
            {offers.length > 0 && (
              <div className="space-y-2">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Suggested runbooks</h3>
                {offers.map((o) => {
                  const rb = runbooks[o.runbookId];
                  return rb ? <RunbookOffer key={o.runbookId} runbook={rb} severity={o.severity} reasons={o.reasons} /> : null;
                })}
              </div>
            )}
          </>
        )}
      </div>
    </section>
  );
}

/** A labelled number; `tone` marks a crossed line. */
export function Stat({ label, value, detail, tone, testId }: { label: string; value: ReactNode; detail?: ReactNode; tone?: "ok" | "warning" | "critical"; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd
        data-testid={testId}
        className={cx(
          "text-lg font-semibold tabular-nums",
          tone === "critical" && "text-red-700 dark:text-red-400",
          tone === "warning" && "text-amber-700 dark:text-amber-400",
        )}
      >
        {value}
      </dd>
      {detail && <dd className="text-xs text-zinc-500">{detail}</dd>}
    </div>
  );
}

/**
 * A horizontal meter with threshold marks. `max` is the end of the scale; the value bar is capped at it, and its
 * colour comes from the caller (who knows which line was crossed).
 */
export function Meter({
  label,
  value,
  max,
  marks,
  tone,
}: {
  label: string;
  value: number;
  max: number;
  marks: { at: number; label: string }[];
  tone: "ok" | "warning" | "critical";
}) {
  const pct = (v: number) => `${Math.min(100, Math.max(0, (v / max) * 100))}%`;
  return (
    <div>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.round(value * 100) / 100}
        className="relative h-3 rounded bg-zinc-200 dark:bg-zinc-800"
      >
        <div
          className={cx("h-full rounded", tone === "critical" ? "bg-red-500" : tone === "warning" ? "bg-amber-500" : "bg-emerald-500")}
          style={{ width: pct(value) }}
        />
        {marks.map((m) => (
          <div key={m.label} className="absolute -top-1 h-5 w-0.5 bg-zinc-700 dark:bg-zinc-300" style={{ left: pct(m.at) }} title={m.label} />
        ))}
      </div>
      <div className="relative mt-1 h-4 text-[10px] text-zinc-500">
        {marks.map((m) => (
          <span
            key={m.label}
            className={cx("absolute whitespace-nowrap", m.at / max >= 0.9 ? "-translate-x-full" : m.at / max <= 0.1 ? "" : "-translate-x-1/2")}
            style={{ left: pct(m.at) }}
          >
            {m.label}
          </span>
        ))}
      </div>
    </div>
  );
}
