"use client";

import { useLinkStatus } from "next/link";

/**
 * Shown inside a link from the click until its page arrives. Links do not prefetch (link.tsx), so on a slow phone a
 * click would otherwise show nothing until the server answered, and people click again.
 */
export function LinkPending() {
  const { pending } = useLinkStatus();
  if (!pending) return null;
  return (
    <span role="status" data-testid="link-pending" className="ml-1.5 inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent align-[-2px]">
      <span className="sr-only">Loading…</span>
    </span>
  );
}
