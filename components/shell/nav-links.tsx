"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { homeQuery } from "@/lib/client/home";
import { meQuery } from "@/lib/client/me";
import { cx } from "../ui/cx";
import { navItemsFor } from "./nav";

/**
 * The main navigation, with counts of open incidents and of steps waiting on the person. The counts come from the
 * start page's live view, polled while the tab is visible (faster on the start page itself), once signed in.
 */
export function NavLinks() {
  const pathname = usePathname();
  const { data: me } = useQuery(meQuery);
  const { data: home } = useQuery({ ...homeQuery, enabled: Boolean(me?.signedIn), refetchInterval: pathname === "/" ? 5_000 : 15_000 });
  const items = navItemsFor(me?.signedIn ? me.me : null);
  return (
    <nav aria-label="Main" className="flex items-center gap-1 overflow-x-auto">
      {items.map((item) => {
        const area = item.area ?? item.href;
        const active = pathname === area || (area !== "/" && pathname.startsWith(`${area}/`)) || (item.href === "/runbooks" && pathname.startsWith("/runs/"));
        const count = item.badge && home ? home.counts[item.badge.count] : 0;
        if (!item.ready) {
          return (
            <span key={item.href} aria-disabled="true" title="Not available yet" className="cursor-default rounded-md px-3 py-1.5 text-sm text-zinc-400 dark:text-zinc-600">
              {item.label}
            </span>
          );
        }
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "rounded-md px-3 py-1.5 text-sm font-medium",
              active ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800",
            )}
          >
            {item.label}
            {count > 0 && (
              <span data-testid={`nav-badge-${item.badge!.count}`} className="ml-1.5 inline-grid min-w-5 place-items-center rounded-full bg-red-600 px-1.5 text-[11px] font-semibold leading-5 text-white">
                {count}
                <span className="sr-only"> {item.badge!.label}</span>
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}
