"use client";

import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { homeQuery } from "@/lib/client/home";
import type { HomeView } from "@/lib/data/home";
import { meQuery } from "@/lib/client/me";
import { cx } from "../ui/cx";
import { navItemsFor } from "./nav";

const selectCounts = (home: HomeView) => home.counts;

/**
 * The main navigation, with counts of open incidents and of steps waiting on the person. The counts come from the
 * start page's live view, polled while the tab is visible (faster on the start page itself), once signed in.
 * Below the `md` breakpoint (phones) the links sit behind a "Menu" button that drops them down under the header.
 */
export function NavLinks() {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const { data: me } = useQuery(meQuery);
  // Only the two counts: a poll whose counts did not change renders nothing here (the start page polls every 5 s).
  const { data: counts } = useQuery({ ...homeQuery, enabled: Boolean(me?.signedIn), refetchInterval: pathname === "/" ? 5_000 : 15_000, select: selectCounts });
  const items = navItemsFor(me?.signedIn ? me.me : null);
  const total = counts ? counts.openIncidents + counts.waitingOnMe : 0;
  return (
    <>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="main-nav"
        onClick={() => setOpen((o) => !o)}
        className="inline-flex min-h-11 items-center gap-1.5 rounded-md px-3 text-sm font-medium text-zinc-800 hover:bg-zinc-100 md:hidden dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <span aria-hidden="true">{open ? "✕" : "☰"}</span>
        Menu
        {total > 0 && (
          <span className="inline-grid min-w-5 place-items-center rounded-full bg-red-700 px-1.5 text-[11px] font-semibold leading-5 text-white">
            {total}
            <span className="sr-only"> need you</span>
          </span>
        )}
      </button>
      <nav
        id="main-nav"
        aria-label="Main"
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
        className={cx(
          "absolute inset-x-0 top-14 flex-col gap-1 border-b border-zinc-200 bg-white p-2 shadow-md dark:border-zinc-800 dark:bg-zinc-900",
          "md:static md:flex md:flex-row md:items-center md:overflow-x-auto md:border-0 md:bg-transparent md:p-0 md:shadow-none md:dark:bg-transparent",
          open ? "flex" : "hidden",
        )}
      >
        {items.map((item) => {
          const area = item.area ?? item.href;
          const active = pathname === area || (area !== "/" && pathname.startsWith(`${area}/`)) || (item.href === "/runbooks" && pathname.startsWith("/runs/"));
          const count = item.badge && counts ? counts[item.badge.count] : 0;
          if (!item.ready) {
            return (
              <span key={item.href} aria-disabled="true" title="Not available yet" className="cursor-default rounded-md px-3 py-1.5 text-sm text-zinc-500 dark:text-zinc-400">
                {item.label}
              </span>
            );
          }
          return (
            <Link
              key={item.href}
              href={item.href}
              onClick={() => setOpen(false)}
              aria-current={active ? "page" : undefined}
              className={cx(
                "flex min-h-11 items-center rounded-md px-3 py-1.5 text-sm font-medium md:min-h-0",
                active ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
              )}
            >
              {item.label}
              {count > 0 && (
                <span data-testid={`nav-badge-${item.badge!.count}`} className="ml-1.5 inline-grid min-w-5 place-items-center rounded-full bg-red-700 px-1.5 text-[11px] font-semibold leading-5 text-white">
                  {count}
                  <span className="sr-only"> {item.badge!.label}</span>
                </span>
              )}
            </Link>
          );
        })}
      </nav>
    </>
  );
}
