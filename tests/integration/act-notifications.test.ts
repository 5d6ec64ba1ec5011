import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { requestStepAction, signStepAction } from "@/lib/runs/actions";
import { ingestAlertmanager } from "@/lib/incidents/alertmanager";
import { runMassFailureDetector } from "@/lib/incidents/detector";
import { notifyIncidentOpened } from "@/lib/notifications/queue";
import { notifyOverdueSteps } from "@/lib/runs/overdue";
import { deliverNotifications } from "@/lib/jobs/notifications";
import { canonicalRequestHash } from "@/lib/control-plane/request-hash";
import { alertmanagerPayloadSchema } from "@/lib/validation/incidents";
import type { TelemetrySnapshot } from "@/lib/control-plane/contract";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { startWebhook } from "../support/webhook";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor;
let webhook: Server;
let webhookUrl: string;
const received: Record<string, unknown>[] = [];
const ZWSP = "\u200b";

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  process.env.PORTAL_URL = "https://ops.example.com/";
  ({ server: webhook, url: webhookUrl } = await startWebhook(received));
});
afterAll(async () => {
  webhook.close();
  delete process.env.PORTAL_URL;
  await client.$disconnect();
});

/** Delivers everything queued and returns what the webhook received in this call. */
async function deliver(now = new Date()) {
  const before = received.length;
  await deliverNotifications(client, webhookUrl, now);
  return received.slice(before);
}

const alertPayload = (over: { groupKey: string; summary: string; labels: Record<string, string>; startsAt: string; fingerprint?: string }) =>
  alertmanagerPayloadSchema.parse({
    version: "4",
    groupKey: over.groupKey,
    status: "firing",
    receiver: "portal",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: { summary: over.summary },
    externalURL: "http://alertmanager",
    alerts: [{ status: "firing", labels: over.labels, annotations: {}, startsAt: over.startsAt, endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: over.fingerprint ?? "fp-1" }],
  });

describe("chat notifications when an incident opens", () => {
  it("tells the chat once when an alert opens an incident, with escaped text and a link to the incident; resends tell nothing", async () => {
    await deliver(); // nothing from the seed
    const payload = alertPayload({
      groupKey: '{}:{alertname="AnthropicDown"}',
      summary: "Anthropic down <!channel> @here see [status](https://evil.example)",
      labels: { alertname: "AnthropicDown", severity: "critical", runbook: "RB-CORE-004", provider: "anthropic" },
      startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const first = await ingestAlertmanager(client, payload);
    const incidentId = first.incidentIds[0];
    await ingestAlertmanager(client, payload);
    await ingestAlertmanager(client, payload);

    const sent = await deliver();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "incident.opened", incidentId, severity: "P1", source: "ALERT", suggestedRunbookId: "RB-CORE-004", url: `https://ops.example.com/incidents/${incidentId}` });
    expect(sent[0].text).toBe(
      `P1 incident opened from an Alertmanager alert: Anthropic down &lt;!channel&gt; @${ZWSP}here see [status]${ZWSP}(https://evil.example). Suggested runbook: RB-CORE-004 Provider Outage. https://ops.example.com/incidents/${incidentId}`,
    );
    expect(await deliver()).toHaveLength(0);
    const opened = await client.auditEvent.findFirstOrThrow({ where: { action: "incident.opened", targetId: incidentId } });
    expect(opened.details).toMatchObject({ notified: `incident.opened:${incidentId}` });
  });

  it("queues one notification per incident however often it is asked", async () => {
    const incident = await client.incident.create({ data: { title: "Twice", severity: "P2", source: "PERSON", detectedAt: new Date() } });
    const keys = await Promise.all([0, 1, 2].map(() => client.$transaction((tx) => notifyIncidentOpened(tx, incident))));
    expect(keys.filter(Boolean)).toEqual([`incident.opened:${incident.id}`]);
    expect(await client.notification.count({ where: { eventKey: `incident.opened:${incident.id}` } })).toBe(1);
    expect(await deliver()).toHaveLength(1);
  });

  it("tells the chat once when the mass-failure detector opens an incident", async () => {
    const telemetry = {
      aggregates: { failures: { lastHour: { count: 7, repos: ["a", "b", "c"] }, perRepo: [] } },
    } as unknown as TelemetrySnapshot;
    const first = await runMassFailureDetector(client, telemetry);
    expect(first.opened).not.toBeNull();
    await runMassFailureDetector(client, telemetry);
    const sent = await deliver();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "incident.opened", source: "DETECTOR", incidentId: first.opened, url: `https://ops.example.com/incidents/${first.opened}` });
    expect(String(sent[0].text)).toMatch(/^P1 incident opened by the mass-failure detector: Mass failure/);
  });
});

describe("a run started from an alert's incident", () => {
  it("counts its clock from the alert's startsAt, proposes provider from the alert, and sends what the person submitted", async () => {
    const startsAt = new Date(Date.now() - 12 * 60_000);
    const { incidentIds } = await ingestAlertmanager(
      client,
      alertPayload({ groupKey: '{}:{alertname="ProviderOutage"}', summary: "Provider outage", labels: { alertname: "ProviderOutage", runbook: "RB-CORE-004", provider: "anthropic" }, startsAt: startsAt.toISOString(), fingerprint: "fp-outage" }),
    );
    // The incident was opened a little later than the alert started (Alertmanager's group wait, a slow delivery).
    await client.incident.update({ where: { id: incidentIds[0] }, data: { detectedAt: new Date(startsAt.getTime() + 90_000) } });
    const started = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-004", incidentId: incidentIds[0] });
    if (!started.ok) throw new Error(started.message);
    const runId = started.data.runId;
    const run = await client.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.detectedAt.toISOString()).toBe(startsAt.toISOString());
    expect(run.prefill).toMatchObject({ provider: { value: "anthropic", source: "alert", detail: "label provider of ProviderOutage" } });
    const audit = await client.auditEvent.findFirstOrThrow({ where: { action: "run.start", targetId: runId } });
    expect(audit.details).toMatchObject({ prefill: { provider: { value: "anthropic", source: "alert" } } });

    expect(await executeAction(signStepAction, sre, { runId, stepId: "confirm-scope" })).toMatchObject({ ok: true });
    // The person changed the proposed provider: the command and its hash carry what was submitted, not the proposal.
    const requested = await executeAction(requestStepAction, sre, { runId, stepId: "failover", values: { provider: "google", alternateProvider: "openai" } });
    expect(requested).toMatchObject({ ok: true });
    const command = await client.command.findFirstOrThrow({ where: { runId, stepId: "failover" } });
    expect(command.params).toEqual({ from: "google", to: "openai" });
    expect(command.requestHash).toBe(canonicalRequestHash("failover-provider", { from: "google", to: "openai" }));
    const step = await client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "failover" } } });
    expect(step.requestHash).toBe(command.requestHash);
  });
});

describe("chat notifications when a step waits too long", () => {
  it("tells the chat once per step, after the step's expected minutes, audited, with a link to the step", async () => {
    await deliver();
    const started = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-004" });
    if (!started.ok) throw new Error(started.message);
    const runId = started.data.runId;
    const since = (await client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "confirm-scope" } } })).currentSince!;
    const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000);
    const mine = async () => client.notification.count({ where: { eventKey: `step.overdue:${runId}:confirm-scope` } });

    await notifyOverdueSteps(client, at(4.9)); // step 1 expects 5 minutes
    expect(await mine()).toBe(0);
    // Two passes at once (two replicas, or a pass that overlaps the next): one notification, one audit event.
    await Promise.all([notifyOverdueSteps(client, at(6)), notifyOverdueSteps(client, at(6))]);
    await notifyOverdueSteps(client, at(30));
    expect(await mine()).toBe(1);
    const events = await client.auditEvent.findMany({ where: { action: "run.step.overdue", targetId: runId } });
    expect(events).toHaveLength(1);
    expect(events[0].details).toMatchObject({ stepId: "confirm-scope", waitedMinutes: 6, expectedMinutes: 5, roles: ["SRE"], waitingFor: "sign-off", notification: `step.overdue:${runId}:confirm-scope` });

    const sent = (await deliver()).filter((m) => m.runId === runId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "run.step.overdue", url: `https://ops.example.com/runs/${runId}#step-confirm-scope` });
    expect(sent[0].text).toBe(`RB-CORE-004 Provider Outage: step 1 "Confirm the outage scope" has waited 6 min for sign-off by SRE (expected 5 min). https://ops.example.com/runs/${runId}#step-confirm-scope`);
    expect(await deliver(at(60))).toHaveLength(0);
  });

  it("does not tell the chat about a step signed off in time", async () => {
    const started = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-004" });
    if (!started.ok) throw new Error(started.message);
    const runId = started.data.runId;
    await executeAction(signStepAction, sre, { runId, stepId: "confirm-scope" });
    // Step 2 (3 minutes expected) is current now and is late at +6 min; step 1 never was.
    await notifyOverdueSteps(client, new Date(Date.now() + 6 * 60_000));
    expect(await client.notification.count({ where: { eventKey: `step.overdue:${runId}:confirm-scope` } })).toBe(0);
    expect(await client.notification.count({ where: { eventKey: `step.overdue:${runId}:failover` } })).toBe(1);
  });
});
