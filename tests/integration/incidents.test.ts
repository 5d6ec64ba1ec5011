import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestAlertmanager } from "@/lib/incidents/alertmanager";
import { runMassFailureDetector } from "@/lib/incidents/detector";
import { alertmanagerPayloadSchema, type AlertmanagerPayload } from "@/lib/validation/incidents";
import { executeAction } from "@/lib/actions/safe-action";
import { declareIncidentAction, setIncidentStatusAction } from "@/lib/incidents/actions";
import type { TelemetrySnapshot } from "@/lib/control-plane/contract";
import type { Db } from "@/lib/db";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
});
afterAll(async () => {
  await client.$disconnect();
});

const payload = (status: "firing" | "resolved", fingerprint = "fp-429-openai"): AlertmanagerPayload =>
  alertmanagerPayloadSchema.parse({
    version: "4",
    groupKey: '{}:{alertname="QuotaNearBreaker"}',
    status,
    receiver: "portal",
    groupLabels: { alertname: "QuotaNearBreaker" },
    commonLabels: { alertname: "QuotaNearBreaker", severity: "warning", runbook: "RB-CORE-003" },
    commonAnnotations: { summary: "OpenAI quota above 85 %" },
    externalURL: "http://alertmanager",
    alerts: [{ status, labels: { alertname: "QuotaNearBreaker", provider: "openai", runbook: "RB-CORE-003" }, annotations: {}, startsAt: "2026-11-28T01:00:00Z", endsAt: status === "resolved" ? "2026-11-28T01:20:00Z" : "0001-01-01T00:00:00Z", generatorURL: "", fingerprint }],
  });

describe("Alertmanager ingestion", () => {
  it("opens one incident with the labelled runbook suggested, ignores resends, and resolves with the alert", async () => {
    const first = await ingestAlertmanager(client, payload("firing"));
    expect(first).toMatchObject({ created: 1, unchanged: 0 });
    const incident = await client.incident.findUniqueOrThrow({ where: { id: first.incidentIds[0] } });
    expect(incident).toMatchObject({ source: "ALERT", severity: "P2", suggestedRunbookId: "RB-CORE-003", status: "OPEN", title: "OpenAI quota above 85 %" });

    const resend = await ingestAlertmanager(client, payload("firing"));
    expect(resend).toMatchObject({ created: 0, updated: 0, unchanged: 1, incidentIds: [incident.id] });
    expect(await client.incident.count({ where: { source: "ALERT" } })).toBe(1);
    expect(await client.alert.count()).toBe(1);

    await ingestAlertmanager(client, payload("resolved"));
    expect(await client.incident.findUniqueOrThrow({ where: { id: incident.id } })).toMatchObject({ status: "RESOLVED" });
    const again = await ingestAlertmanager(client, payload("resolved"));
    expect(again.unchanged).toBe(1);
    expect(await client.auditEvent.count({ where: { action: "incident.resolved", targetId: incident.id } })).toBe(1);
  });

  it("resolves from the incident as it is when the resolution lands, not as it was read: a person's change at that moment is kept in the record", async () => {
    const group = (status: "firing" | "resolved") => ({ ...payload(status, "fp-race"), groupKey: '{}:{alertname="RaceProbe"}' });
    const opened = await ingestAlertmanager(client, group("firing"));
    const id = opened.incidentIds[0];
    // A person marks it mitigated; their transaction is still open when Alertmanager's resolution arrives.
    let commit!: () => void, updated!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    const personUpdated = new Promise<void>((r) => (updated = r));
    const person = client.$transaction(async (tx) => {
      await tx.incident.update({ where: { id }, data: { status: "MITIGATED", mitigatedAt: new Date(), version: { increment: 1 } } });
      updated();
      await held;
    });
    await personUpdated;
    const resolution = ingestAlertmanager(client, group("resolved"));
    // The resolution reaches the incident's row and waits for the person's transaction.
    await expect.poll(async () => (await client.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`)[0].n, { timeout: 10_000 }).toBeGreaterThan(0);
    commit();
    await person;
    await resolution;
    expect(await client.incident.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "RESOLVED", version: 2 });
    const resolved = await client.auditEvent.findFirstOrThrow({ where: { action: "incident.resolved", targetId: id } });
    // The record says what the incident was when it was resolved: mitigated, not the open it was before the person's change.
    expect(resolved.details).toMatchObject({ before: { status: "MITIGATED" }, after: { status: "RESOLVED" } });
  });

  it("rejects malformed payloads with the reason", () => {
    const bad = alertmanagerPayloadSchema.safeParse({ version: "3", alerts: [] });
    expect(bad.success).toBe(false);
    const messages = bad.success ? [] : bad.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(messages.join("; ")).toMatch(/version: only version "4"/);
    expect(messages.join("; ")).toMatch(/alerts: a notification carries at least one alert/);
  });
});

function telemetry(failures: number, repos: string[], perRepo: { repo: string; flows: number; failed: number }[] = []): TelemetrySnapshot {
  return {
    aggregates: { failures: { lastHour: { count: failures, repos }, perRepo: perRepo.map((r) => ({ ...r, failureRate: r.flows ? r.failed / r.flows : 0 })) } },
  } as unknown as TelemetrySnapshot;
}

describe("mass-failure detector", () => {
  it("opens exactly one P1 incident per episode, however often it polls", async () => {
    const t0 = new Date("2026-11-28T02:00:00Z");
    expect(await runMassFailureDetector(client, telemetry(4, ["a", "b"]), t0)).toEqual({ opened: null, massFailure: false });
    const first = await runMassFailureDetector(client, telemetry(5, ["a", "b"]), new Date(t0.getTime() + 10_000));
    expect(first.opened).not.toBeNull();
    for (let i = 2; i < 6; i++) expect((await runMassFailureDetector(client, telemetry(7, ["a", "b", "c"]), new Date(t0.getTime() + i * 10_000))).opened).toBeNull();
    const incident = await client.incident.findUniqueOrThrow({ where: { id: first.opened! } });
    expect(incident).toMatchObject({ severity: "P1", source: "DETECTOR", suggestedRunbookId: "RB-LAUNCH-005" });

    // Resolved while the failures continue: still the same episode, nothing new.
    const ic = await actorByEmail(client, "ines.carter@ops.example");
    expect((await executeAction(setIncidentStatusAction, ic, { incidentId: incident.id, status: "RESOLVED" })).ok).toBe(true);
    expect((await runMassFailureDetector(client, telemetry(6, ["a", "b"]), new Date(t0.getTime() + 70_000))).opened).toBeNull();
    // The episode ends, a new one begins: a new incident.
    await runMassFailureDetector(client, telemetry(0, []), new Date(t0.getTime() + 80_000));
    expect((await runMassFailureDetector(client, telemetry(0, [], [{ repo: "a", flows: 10, failed: 6 }, { repo: "b", flows: 10, failed: 6 }, { repo: "c", flows: 4, failed: 3 }]), new Date(t0.getTime() + 90_000))).opened).not.toBeNull();
    expect(await client.incident.count({ where: { source: "DETECTOR" } })).toBe(2);
  });

  it("a person declares an incident; a repo owner may not", async () => {
    const sre = await actorByEmail(client, "sam.rivera@ops.example");
    const owner = await actorByEmail(client, "rui.costa@ops.example");
    expect(await executeAction(declareIncidentAction, sre, { title: "Checkout flows failing", severity: "P2", suggestedRunbookId: "RB-CORE-001" })).toMatchObject({ ok: true });
    expect(await executeAction(declareIncidentAction, owner, { title: "Checkout flows failing", severity: "P2" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(declareIncidentAction, sre, { title: "x", severity: "P9" })).toMatchObject({ ok: false, code: "INVALID" });
  });
});
