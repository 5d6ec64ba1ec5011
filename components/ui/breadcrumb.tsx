import { Link } from "@/components/ui/link";
import type { ReactNode } from "react";

/** "Parent / this page" above a page's title: the parent links back up, the rest names where you are. */
export function Breadcrumb({ href, parent, children }: { href: string; parent: ReactNode; children: ReactNode }) {
  return (
    <p className="text-sm text-zinc-500">
      <Link href={href} className="hover:underline">
        {parent}
      </Link>{" "}
      / {children}
    </p>
  );
}
