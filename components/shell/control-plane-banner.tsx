"use client";

import { useQuery } from "@tanstack/react-query";
import { useLayoutEffect, useRef } from "react";

type Status = { reachable: boolean; error: string | null; fetchedAt: string | null; queuedCommands: number | null };

/** The control plane's error as a sentence: it may come without its full stop. */
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/**
 * Says plainly when the orchestrator's control plane cannot be reached; everything else keeps working.
 *
 * It is read after the page, and it comes and goes with an outage: the moments someone is about to tap "Sign off".
 * So it never moves the page. It sits fixed at the bottom of the screen, in view however far one scrolls, and while
 * it is there the page gets its height as room at the end (and as scroll padding, so a control that receives focus
 * is scrolled clear of it). Room added below everything moves nothing above it.
 */
export function ControlPlaneBanner() {
  const { data } = useQuery({
    queryKey: ["control-plane-status"],
    queryFn: async ({ signal }): Promise<Status | null> => {
      const res = await fetch("/api/control-plane/status", { signal, cache: "no-store" });
      return res.ok ? ((await res.json()) as Status) : null;
    },
    refetchInterval: 5_000,
    refetchIntervalInBackground: false,
  });
  const shown = Boolean(data && !data.reachable);
  const banner = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = banner.current;
    if (!shown || !el) return;
    const root = document.documentElement;
    const observer = new ResizeObserver(() => root.style.setProperty("--control-plane-banner-height", `${el.offsetHeight}px`));
    observer.observe(el);
    return () => {
      observer.disconnect();
      root.style.removeProperty("--control-plane-banner-height");
    };
  }, [shown]);
  if (!data || !shown) return null;
  return (
    <div
      ref={banner}
      role="alert"
      data-testid="control-plane-banner"
      className="fixed inset-x-0 bottom-0 z-40 border-t border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 shadow-[0_-2px_6px_rgb(0_0_0/0.08)] dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <div className="mx-auto max-w-7xl">
        <strong>Control plane unreachable.</strong>{" "}
        {/* On a phone it keeps to what someone acting needs: the cause and the rest are a wider screen's. */}
        <span className="max-sm:hidden">
          {sentence(data.error ?? "No telemetry yet")} Live panels may be stale; runbooks, runs and the audit log work as usual.{" "}
        </span>
        {data.queuedCommands ? `${data.queuedCommands} command${data.queuedCommands === 1 ? "" : "s"} queued: they will be delivered, once each, when it is back.` : "Commands you request are queued and delivered when it is back."}
      </div>
    </div>
  );
}
