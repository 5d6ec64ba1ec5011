"use client";

import dynamic from "next/dynamic";
import { memo, useEffect, useRef, useState, type ComponentType } from "react";
import { chartHoldMs, CHART_REDRAW_MS } from "@/lib/client/panels";

/**
 * The panels' charts, loaded after the page (Recharts is most of /panels' JavaScript) and only in the browser. Each
 * keeps its height while it loads, so nothing below it moves.
 */
const placeholder = (height: number) =>
  function ChartPlaceholder() {
    return <div style={{ height }} aria-hidden="true" className="rounded bg-zinc-100 dark:bg-zinc-800/50" />;
  };

/**
 * A chart redrawn with new data at most every CHART_REDRAW_MS. The panels' numbers refresh every 2 s; redrawing five
 * Recharts charts that often kept a phone's main thread busy (each redraw is a long task), while a trend gains
 * nothing from it. The latest data is always the one drawn next.
 */
function steady<P extends object>(Chart: ComponentType<P>) {
  const Drawn = memo(Chart);
  return function SteadyChart(props: P) {
    const [shown, setShown] = useState(props);
    const shownAt = useRef(0);

    useEffect(() => {
      if (shownAt.current === 0) shownAt.current = Date.now();
      if (props === shown) return;
      const timer = setTimeout(() => {
        shownAt.current = Date.now();
        setShown(props);
      }, chartHoldMs(shownAt.current, Date.now(), CHART_REDRAW_MS));
      return () => clearTimeout(timer);
    }, [props, shown]);

    return <Drawn {...shown} />;
  };
}

const lazy = <P extends object>(load: () => Promise<ComponentType<P>>, height: number) => steady(dynamic(load, { ssr: false, loading: placeholder(height) }));

export const BudgetDaysChart = lazy(() => import("./charts").then((m) => m.BudgetDaysChart), 180);
export const BudgetReposChart = lazy(() => import("./charts").then((m) => m.BudgetReposChart), 80);
export const SloDurationChart = lazy(() => import("./charts").then((m) => m.SloDurationChart), 170);
export const SloRatesChart = lazy(() => import("./charts").then((m) => m.SloRatesChart), 80);
export const QuotaChart = lazy(() => import("./charts").then((m) => m.QuotaChart), 170);
