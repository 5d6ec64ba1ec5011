"use client";

import dynamic from "next/dynamic";

/**
 * The panels' charts, loaded after the page (Recharts is most of /panels' JavaScript) and only in the browser. Each
 * keeps its height while it loads, so nothing below it moves.
 */
const placeholder = (height: number) =>
  function ChartPlaceholder() {
    return <div style={{ height }} aria-hidden="true" className="rounded bg-zinc-100 dark:bg-zinc-800/50" />;
  };

export const BudgetDaysChart = dynamic(() => import("./charts").then((m) => m.BudgetDaysChart), { ssr: false, loading: placeholder(180) });
export const BudgetReposChart = dynamic(() => import("./charts").then((m) => m.BudgetReposChart), { ssr: false, loading: placeholder(80) });
export const SloDurationChart = dynamic(() => import("./charts").then((m) => m.SloDurationChart), { ssr: false, loading: placeholder(170) });
export const SloRatesChart = dynamic(() => import("./charts").then((m) => m.SloRatesChart), { ssr: false, loading: placeholder(80) });
export const QuotaChart = dynamic(() => import("./charts").then((m) => m.QuotaChart), { ssr: false, loading: placeholder(170) });
