import { queryOptions } from "@tanstack/react-query";
import type { Permission } from "../auth/permissions";
import type { Role } from "../auth/roles";

export type Me = { id: string; name: string; email: string; roles: Role[]; permissions: Permission[] };
/** `devSignInForced`: passwordless sign-in is forced on a database other than the embedded one (a red banner says so). */
export type MeResponse = ({ signedIn: true; me: Me } | { signedIn: false; reason: string }) & { devSignInForced: boolean };

/** The signed-in person, for per-person parts of otherwise static pages. */
export const meQuery = queryOptions({
  queryKey: ["me"],
  queryFn: async ({ signal }): Promise<MeResponse> => {
    const res = await fetch("/api/me", { signal, cache: "no-store" });
    const devSignInForced = res.headers.get("x-dev-sign-in") === "forced";
    if (res.status === 401) return { signedIn: false, reason: ((await res.json()) as { reason?: string }).reason ?? "signed-out", devSignInForced };
    if (!res.ok) throw new Error(`Could not load your session (HTTP ${res.status}).`);
    return { signedIn: true, me: (await res.json()) as Me, devSignInForced };
  },
  staleTime: 30_000,
});
