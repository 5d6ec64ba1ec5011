import type { Runbook } from "../runbooks";
import { escalationContacts, type LevelContact } from "./hours";
import { getContacts } from "./load";

/** A runbook's escalation path with each level's contact and whether they are in hours at `at`. */
export function escalationFor(rb: Pick<Runbook, "escalation">, at = new Date()): LevelContact[] {
  return escalationContacts(rb.escalation, getContacts().contacts, at);
}

/** The status pages of these providers (as alerts and telemetry name them), or of all when none is named. */
export function statusPagesFor(providers: readonly string[] = []): { provider: string; label: string; url: string }[] {
  const pages = getContacts().links.statusPages;
  const wanted = providers.length ? [...new Set(providers.map((p) => p.toLowerCase()))] : Object.keys(pages);
  return wanted.flatMap((p) => (pages[p] ? [{ provider: p, ...pages[p] }] : []));
}

/** The providers an incident's alerts name in their `provider` label. */
export function providersOf(alerts: readonly { labels: unknown }[]): string[] {
  return alerts.flatMap((a) => {
    const p = (a.labels as Record<string, unknown> | null)?.provider;
    return typeof p === "string" && p ? [p] : [];
  });
}
