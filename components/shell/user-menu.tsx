"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { signOutAction } from "@/lib/next/actions/auth";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { meQuery } from "@/lib/client/me";
import { paths } from "@/lib/paths";
import { Badge } from "../ui/badge";

/** The signed-in person, their roles and sign-out. Sends a signed-out or disabled person to sign-in. */
export function UserMenu() {
  const { data, isError } = useQuery(meQuery);
  useEffect(() => {
    if (data && !data.signedIn) {
      const back = window.location.pathname + window.location.search;
      window.location.assign(data.reason === "signed-out" ? paths.signIn(back) : paths.sessionEnded(data.reason));
    }
  }, [data]);
  if (isError) return <span className="text-xs text-red-700">Session unavailable</span>;
  if (!data?.signedIn) return <span className="h-6 w-32 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" aria-hidden="true" />;
  const { me } = data;
  return (
    <div className="flex min-w-0 items-center gap-1 sm:gap-3">
      <div className="min-w-0 text-right leading-tight">
        <div className="truncate text-sm font-medium" data-testid="signed-in-name">
          {me.name}
        </div>
        <div className="hidden justify-end gap-1 sm:flex">
          {me.roles.map((r) => (
            <Badge key={r} tone="violet" className="px-1.5 py-0 text-[10px]">
              {ROLE_LABELS[r]}
            </Badge>
          ))}
        </div>
      </div>
      <form action={signOutAction}>
        <button type="submit" className="min-h-11 shrink-0 rounded-md px-2 py-1 text-sm text-zinc-700 sm:min-h-0 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800">
          Sign out
        </button>
      </form>
    </div>
  );
}
