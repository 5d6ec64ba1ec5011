import { queryOptions } from "@tanstack/react-query";
import type { OnboardingView } from "../data/onboarding";
import { paths } from "../paths";

/** States in which something changes without anyone acting (a command on its way, a flow running). */
const MOVING = new Set(["APPROVED", "FIRST_FLOW_RUNNING"]);

/** An onboarding as its page shows it: polled every second while something is moving, every 5 s otherwise. */
export const onboardingQuery = (id: string) =>
  queryOptions({
    queryKey: ["onboarding", id],
    queryFn: async ({ signal }): Promise<OnboardingView> => {
      const res = await fetch(paths.api.onboarding(id), { signal, cache: "no-store" });
      if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${res.status}`);
      return (await res.json()) as OnboardingView;
    },
    refetchInterval: (query) => (query.state.data && MOVING.has(query.state.data.state) ? 1_000 : 5_000),
    refetchIntervalInBackground: false,
    staleTime: 0,
  });
