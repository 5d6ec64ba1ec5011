"use client";

import { useQuery } from "@tanstack/react-query";

type Status = { reachable: boolean; error: string | null; fetchedAt: string | null; queuedCommands: number | null };

/** Says plainly when the orchestrator's control plane cannot be reached; everything else keeps working. */
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
  if (!data || data.reachable) return null;
  return (
    <div role="alert" data-testid="control-plane-banner" className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      <div className="mx-auto max-w-7xl">
        <strong>Control plane unreachable.</strong> {data.error ?? "No telemetry yet."} Live panels may be stale; runbooks, runs and the audit log work as usual.
        {data.queuedCommands ? ` ${data.queuedCommands} command${data.queuedCommands === 1 ? "" : "s"} queued: they will be delivered, once each, when it is back.` : " Commands you request are queued and delivered when it is back."}
      </div>
    </div>
  );
}
