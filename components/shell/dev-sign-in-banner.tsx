"use client";

import { useQuery } from "@tanstack/react-query";
import { meQuery } from "@/lib/client/me";

/** The warning itself; the sign-in page renders it on the server when passwordless sign-in is forced. */
export function DevSignInNotice() {
  return (
    <div role="note" data-testid="dev-sign-in-banner" className="bg-red-700 px-4 py-2 text-center text-sm font-medium text-white">
      Passwordless sign-in is on (PORTAL_DEV_SIGN_IN=force) on a database that is not the embedded one: anyone who can reach this
      portal can sign in as any person. Never run a real deployment like this.
    </div>
  );
}

/**
 * The warning on every signed-in page (the app shell) while passwordless sign-in is forced on a database other than
 * the embedded one. Asked of the server (/api/me), not decided at build time, since some pages are prerendered.
 */
export function DevSignInBanner() {
  const { data } = useQuery(meQuery);
  return data?.devSignInForced ? <DevSignInNotice /> : null;
}
