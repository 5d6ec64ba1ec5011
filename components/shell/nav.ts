import { paths } from "@/lib/paths";

/** The portal's areas. Areas not yet built are listed (so people know they are coming) but not linked. */
export const NAV_ITEMS: { label: string; href: string; ready: boolean }[] = [
  { label: "Runbooks", href: paths.runbooks(), ready: true },
  { label: "Incidents", href: paths.incidents(), ready: true },
  { label: "Panels", href: paths.panels(), ready: true },
  { label: "Onboarding", href: paths.onboarding(), ready: true },
  { label: "Audit", href: paths.audit(), ready: true },
];
