import { queryOptions } from "@tanstack/react-query";
import type { HomeView } from "../data/home";

/** What needs the signed-in person now; polled while the tab is visible (paused while hidden). */
export const homeQuery = queryOptions({
  queryKey: ["home"],
  queryFn: async ({ signal }): Promise<HomeView> => {
    const res = await fetch("/api/home", { signal, cache: "no-store" });
    if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${res.status}`);
    return (await res.json()) as HomeView;
  },
  refetchInterval: 5_000,
  refetchIntervalInBackground: false,
  staleTime: 2_000,
});
