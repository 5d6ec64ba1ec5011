"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { meQuery } from "@/lib/queries/me";
import { cx } from "../ui/cx";
import { navItemsFor } from "./nav";

export function NavLinks() {
  const pathname = usePathname();
  const { data } = useQuery(meQuery);
  const items = navItemsFor(data?.signedIn ? data.me.permissions : null);
  return (
    <nav aria-label="Main" className="flex items-center gap-1 overflow-x-auto">
      {items.map((item) => {
        const area = item.area ?? item.href;
        const active = pathname === area || pathname.startsWith(`${area}/`) || (item.href === "/runbooks" && pathname.startsWith("/runs/"));
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
          </Link>
        );
      })}
    </nav>
  );
}
