/**
 * The chat notifications the portal queues (the `notification` outbox, delivered by lib/jobs/notifications.ts, which
 * makes each message's text safe for chat). Every notification names the event it tells about (`eventKey`, unique),
 * so an event seen again — a resent alert, a second pass of a job, another replica — queues nothing new.
 */
import type { Tx } from "../db";
import { getRunbook } from "../runbooks";

/** The portal's public URL for `path` (PORTAL_URL, else the local address), for links in notifications. */
export function portalLink(path: string): string {
  return `${(process.env.PORTAL_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "")}${path}`;
}

/** Queues a notification unless one for the same event exists; true when this call queued it. */
export async function queueNotification(tx: Tx, n: { eventKey: string; kind: string; payload: Record<string, unknown> }): Promise<boolean> {
  const created = await tx.notification.createMany({ data: [{ eventKey: n.eventKey, kind: n.kind, payload: n.payload as object }], skipDuplicates: true });
  return created.count === 1;
}

const SOURCE_TEXT: Record<string, string> = { ALERT: "from an Alertmanager alert", DETECTOR: "by the mass-failure detector", PERSON: "declared by a person" };

/**
 * Tells the chat an incident opened: severity, title, where it came from, the suggested runbook and a link to the
 * incident. Returns the event key when this call queued it (for the caller's audit event), null when it was queued
 * before.
 */
export async function notifyIncidentOpened(tx: Tx, incident: { id: string; title: string; severity: string; source: string; suggestedRunbookId: string | null }): Promise<string | null> {
  const eventKey = `incident.opened:${incident.id}`;
  const url = portalLink(`/incidents/${incident.id}`);
  const rb = incident.suggestedRunbookId ? getRunbook(incident.suggestedRunbookId) : undefined;
  const text = `${incident.severity} incident opened ${SOURCE_TEXT[incident.source] ?? ""}: ${incident.title}.${rb ? ` Suggested runbook: ${rb.id} ${rb.title}.` : ""} ${url}`;
  const queued = await queueNotification(tx, {
    eventKey,
    kind: "incident.opened",
    payload: { text, incidentId: incident.id, severity: incident.severity, source: incident.source, title: incident.title, suggestedRunbookId: rb?.id ?? null, url },
  });
  return queued ? eventKey : null;
}
