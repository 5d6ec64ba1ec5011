import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { escalateRunAction } from "@/lib/runs/actions";
import { autoEscalateWaitingSteps } from "@/lib/runs/escalation";
import { deliverNotifications } from "@/lib/jobs/notifications";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { startWebhook } from "../support/webhook";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor;
let webhook: Server;
let webhookUrl: string;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  ({ server: webhook, url: webhookUrl } = await startWebhook(received));
});
afterAll(async () => {
  webhook.close();
  await client.$disconnect();
});

describe("escalation", () => {
  it("escalates L1 → L2 → L3 with who and why, notifies the webhook, and refuses a further escalation at L3", async () => {
    const r = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-001" });
    if (!r.ok) throw new Error(r.message);
    const runId = r.data.runId;
    const first = await executeAction(escalateRunAction, sre, { runId, reason: "Cause unclear after 20 minutes" });
    expect(first).toMatchObject({ ok: true, data: { level: "L2" } });
    expect(await executeAction(escalateRunAction, sre, { runId, reason: "Still failing" })).toMatchObject({ ok: true, data: { level: "L3" } });
    // L3 is the top: a further escalation is refused and notifies nobody again (issue 14 item 3; it used to notify L3 again).
    expect(await executeAction(escalateRunAction, sre, { runId, reason: "Again" })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await executeAction(escalateRunAction, sre, { runId, reason: "" })).toMatchObject({ ok: false, code: "INVALID" });
    expect((await client.run.findUniqueOrThrow({ where: { id: runId } })).escalationLevel).toBe(3);
    const events = await client.auditEvent.findMany({ where: { action: "run.escalated", targetId: runId }, orderBy: { seq: "asc" } });
    expect(events.map((e) => (e.details as { level: string }).level)).toEqual(["L2", "L3"]);

    expect(await deliverNotifications(client, webhookUrl)).toBe(2);
    expect(received[0]).toMatchObject({ kind: "run.escalated", level: "L2", runbookId: "RB-CORE-001", reason: "Cause unclear after 20 minutes" });
    expect(String(received[0].text)).toMatch(/Escalation by Sam Rivera: RB-CORE-001 Flow Failure Response → L2/);
    expect(await deliverNotifications(client, webhookUrl)).toBe(0);
  });

  it("escalates a step that waits too long by itself, once", async () => {
    const r = await executeAction(startRunAction, sre, { runbookId: "RB-LAUNCH-002" });
    if (!r.ok) throw new Error(r.message);
    const runId = r.data.runId;
    const later = new Date(Date.now() + 16 * 60_000);
    expect(await autoEscalateWaitingSteps(client, 15, later)).toBeGreaterThanOrEqual(1);
    expect(await autoEscalateWaitingSteps(client, 15, new Date(later.getTime() + 60_000))).toBe(0);
    const run = await client.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.escalationLevel).toBe(2);
    const event = await client.auditEvent.findFirstOrThrow({ where: { action: "run.escalated", targetId: runId } });
    expect(event.details).toMatchObject({ automatic: true, stepId: "go-no-go", level: "L2" });
  });

  it("keeps a notification queued while the webhook fails, then delivers it", async () => {
    await deliverNotifications(client, webhookUrl); // what earlier tests queued
    const r = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-001" });
    if (!r.ok) throw new Error(r.message);
    await executeAction(escalateRunAction, sre, { runId: r.data.runId, reason: "Need the TL" });
    const failing = (async () => new Response("down", { status: 503 })) as typeof fetch;
    expect(await deliverNotifications(client, webhookUrl, new Date(), failing)).toBe(0);
    const queued = await client.notification.findFirstOrThrow({ where: { state: "PENDING" } });
    expect(queued).toMatchObject({ attempts: 1, lastError: "webhook answered HTTP 503" });
    expect(await deliverNotifications(client, webhookUrl, new Date(Date.now() + 10 * 60_000))).toBe(1);
  });
});
