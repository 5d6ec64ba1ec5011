import { paths } from "@/lib/paths";

/** A count the nav shows beside an area (from the start page's live view). */
export type NavBadge = { count: "openIncidents" | "waitingOnMe"; label: string };

/** The portal's areas. Areas not yet built are listed (so people know they are coming) but not linked. */
export const NAV_ITEMS: { label: string; href: string; ready: boolean; badge?: NavBadge }[] = [
  { label: "Home", href: paths.home(), ready: true, badge: { count: "waitingOnMe", label: "waiting on you" } },
  { label: "Runbooks", href: paths.runbooks(), ready: true },
  { label: "Incidents", href: paths.incidents(), ready: true, badge: { count: "openIncidents", label: "open" } },
  { label: "Panels", href: paths.panels(), ready: true },
  { label: "Onboarding", href: paths.onboarding(), ready: true },
  { label: "Audit", href: paths.audit(), ready: true },
];
