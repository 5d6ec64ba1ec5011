import { queryOptions } from "@tanstack/react-query";
import type { RunView } from "../data/run-view";

/** A run as its page shows it, polled every second while the tab is visible (everyone sees changes within 2 s). */
export const runQuery = (id: string) =>
  queryOptions({
    queryKey: ["run", id],
    queryFn: async ({ signal }): Promise<RunView> => {
      const res = await fetch(`/api/runs/${id}`, { signal, cache: "no-store" });
      if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${res.status}`);
      return (await res.json()) as RunView;
    },
    refetchInterval: 1_000,
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
