import { appendAudit } from "../audit/log";
import type { Db } from "../db";
import { KEYED_LOCKS } from "../locks";
import { lockIncident, updateIncident } from "../stores/incidents";
import { getRunbook } from "../runbooks";
import type { AlertmanagerPayload } from "../validation/incidents";
import { notifyIncidentOpened } from "../notifications/queue";
import { runbookFromAlert, severityFromLabels } from "./severity";

export type IngestResult = { incidentIds: string[]; created: number; updated: number; unchanged: number };

/**
 * Takes one Alertmanager notification. Alerts are upserted by (group key, fingerprint), so Alertmanager's resends
 * change nothing; a firing group without an open incident opens one (suggesting the runbook its `runbook` label
 * names); when every alert of an incident has resolved, the incident is marked resolved. One transaction per
 * notification; each change is audited.
 */
export async function ingestAlertmanager(client: Db, payload: AlertmanagerPayload, now = new Date()): Promise<IngestResult> {
  // A batch holds many alerts and a busy machine is slow: 20 s, not Prisma's default 5 s, before the transaction is abandoned.
  return client.$transaction(async (tx) => {
    const result: IngestResult = { incidentIds: [], created: 0, updated: 0, unchanged: 0 };
    // Serialise notifications of one group, so two deliveries racing cannot open two incidents.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${KEYED_LOCKS.alertGroup + payload.groupKey}))`;
    const existing = await tx.alert.findMany({ where: { groupKey: payload.groupKey } });
    let incidentId = existing.find((a) => a.incidentId)?.incidentId ?? null;
    if (incidentId) {
      const incident = await tx.incident.findUnique({ where: { id: incidentId }, select: { status: true } });
      // A group that fires again after its incident was resolved opens a new one.
      if (incident?.status === "RESOLVED" && payload.alerts.some((a) => a.status === "firing" && existing.find((e) => e.fingerprint === a.fingerprint)?.status !== "firing")) incidentId = null;
    }
    const firing = payload.alerts.filter((a) => a.status === "firing");
    if (!incidentId && firing.length > 0) {
      const first = firing[0];
      const labels = { ...payload.commonLabels, ...first.labels };
      const annotations = { ...payload.commonAnnotations, ...first.annotations };
      const runbookId = runbookFromAlert(labels, annotations);
      const incident = await tx.incident.create({
        data: {
          title: annotations.summary ?? `${labels.alertname ?? "Alert"}${labels.repo ? ` on ${labels.repo}` : ""}`,
          severity: severityFromLabels(labels),
          source: "ALERT",
          summary: annotations.description ?? null,
          suggestedRunbookId: runbookId && getRunbook(runbookId) ? runbookId : null,
          detectedAt: new Date(first.startsAt),
        },
      });
      incidentId = incident.id;
      // The chat hears of it in the same transaction (once: the notification is keyed by the incident).
      const notified = await notifyIncidentOpened(tx, incident);
      await appendAudit(tx, {
        actor: null,
        action: "incident.opened",
        target: { type: "incident", id: incident.id },
        details: { source: "alertmanager", groupKey: payload.groupKey, alertname: labels.alertname ?? null, severity: incident.severity, suggestedRunbookId: incident.suggestedRunbookId, receiver: payload.receiver, notified },
      });
    }
    for (const a of payload.alerts) {
      const labels = { ...payload.commonLabels, ...a.labels };
      const annotations = { ...payload.commonAnnotations, ...a.annotations };
      const endsAt = a.status === "resolved" && a.endsAt && !a.endsAt.startsWith("0001-") ? new Date(a.endsAt) : null;
      const prev = existing.find((e) => e.fingerprint === a.fingerprint);
      if (prev && prev.status === a.status && prev.incidentId === (incidentId ?? prev.incidentId)) {
        result.unchanged++;
        continue;
      }
      const data = {
        status: a.status,
        alertname: labels.alertname ?? "unnamed",
        labels,
        annotations,
        startsAt: new Date(a.startsAt),
        endsAt,
        runbookId: runbookFromAlert(labels, annotations),
        incidentId: incidentId ?? prev?.incidentId ?? null,
      };
      if (prev) {
        await tx.alert.update({ where: { id: prev.id }, data });
        result.updated++;
      } else {
        await tx.alert.create({ data: { ...data, groupKey: payload.groupKey, fingerprint: a.fingerprint } });
        result.created++;
      }
      await appendAudit(tx, {
        actor: null,
        action: a.status === "firing" ? "alert.firing" : "alert.resolved",
        target: data.incidentId ? { type: "incident", id: data.incidentId } : { type: "alert", id: a.fingerprint },
        details: { groupKey: payload.groupKey, fingerprint: a.fingerprint, alertname: data.alertname, runbookId: data.runbookId, labels },
      });
    }
    if (incidentId) {
      result.incidentIds.push(incidentId);
      const alerts = await tx.alert.findMany({ where: { incidentId }, select: { status: true } });
      // Under the row lock: the decision and the audit's "before" are the incident as it is, even if a person is changing it.
      const incident = await lockIncident(tx, incidentId);
      if (incident.source === "ALERT" && incident.status !== "RESOLVED" && alerts.length > 0 && alerts.every((x) => x.status === "resolved")) {
        await updateIncident(tx, incident, { status: "RESOLVED", resolvedAt: now }, "The incident changed while its alerts resolved.");
        await appendAudit(tx, { actor: null, action: "incident.resolved", target: { type: "incident", id: incidentId }, details: { source: "alertmanager", reason: "all alerts resolved", before: { status: incident.status }, after: { status: "RESOLVED" } } });
      }
    }
    return result;
  }, { timeout: 20_000 });
}
