import { can, type Permission } from "@/lib/auth/permissions";
import type { Actor } from "@/lib/auth/roles";
import { paths } from "@/lib/paths";

/** A count the nav shows beside an area (from the start page's live view). */
export type NavBadge = { count: "openIncidents" | "waitingOnMe"; label: string };

export type NavItem = {
  label: string;
  href: string;
  ready: boolean;
  badge?: NavBadge;
  /** Shown only to people with one of these permissions; the first one they have picks the link (`hrefs`). */
  needs?: Permission[];
  hrefs?: Partial<Record<Permission, string>>;
  /** The path prefix under which the item is the current one (default: its href). */
  area?: string;
};

/** The portal's areas. Areas not yet built are listed (so people know they are coming) but not linked. */
export const NAV_ITEMS: NavItem[] = [
  { label: "Home", href: paths.home(), ready: true, badge: { count: "waitingOnMe", label: "waiting on you" } },
  { label: "Runbooks", href: paths.runbooks(), ready: true },
  { label: "Incidents", href: paths.incidents(), ready: true, badge: { count: "openIncidents", label: "open" } },
  { label: "Panels", href: paths.panels(), ready: true },
  { label: "Onboarding", href: paths.onboarding(), ready: true },
  { label: "Audit", href: paths.audit(), ready: true },
  {
    label: "Access",
    href: paths.access(),
    area: paths.access(),
    ready: true,
    needs: ["access.admin", "access.review"],
    hrefs: { "access.admin": paths.access(), "access.review": paths.accessReview() },
  },
];

/** The items a person sees (null while unknown: none of the gated ones, decided by can()), with the link for them. */
export function navItemsFor(me: Pick<Actor, "roles"> | null): NavItem[] {
  return NAV_ITEMS.flatMap((item) => {
    if (!item.needs) return [item];
    const first = item.needs.find((p) => can(me, p));
    return first ? [{ ...item, href: item.hrefs?.[first] ?? item.href }] : [];
  });
}
