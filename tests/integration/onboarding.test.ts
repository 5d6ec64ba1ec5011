import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// lib/data/onboarding.ts is server-only (a marker for Next's bundler); here it runs in plain Node.
vi.mock("server-only", () => ({}));

import { randomUUID } from "node:crypto";
import { executeAction } from "@/lib/actions/safe-action";
import { verifyChain } from "@/lib/audit/log";
import type { Actor } from "@/lib/auth/roles";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { deliverDueCommands } from "@/lib/control-plane/relay";
import type { Db } from "@/lib/db";
import { getOnboardingView, listOnboardings } from "@/lib/data/onboarding";
import { approveOnboardingAction, confirmTrainingAction, requestOnboardingAction, runFirstFlowAction, sendBackOnboardingAction, verifyTelemetryAction } from "@/lib/onboarding/actions";
import { refreshOnboarding, settleOnboardingCommand } from "@/lib/onboarding/service";
import { ONBOARDING_FORM } from "@/lib/onboarding/test-fixtures";
import { WEEK_MS } from "@/lib/onboarding/week-one";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sim: SimulatorHandle;
let sre: Actor, sre2: Actor, owner: Actor, otherOwner: Actor, auditor: Actor;

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sim = await startSimulator({ seed: 11, speed: 0, startAt: "2026-03-02T09:00:00Z" });
  process.env.CONTROL_PLANE_URL = sim.url;
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  sre2 = await actorByEmail(client, "jordan.lee@ops.example");
  owner = await actorByEmail(client, "rui.costa@ops.example");
  auditor = await actorByEmail(client, "ada.mensah@ops.example");
  const p = await client.person.create({ data: { email: "mia.owner@ops.example", name: "Mia Owner", roles: ["REPO_OWNER"] } });
  otherOwner = { id: p.id, email: p.email, name: p.name, roles: p.roles };
});
afterAll(async () => {
  await sim?.stop();
  await client?.$disconnect();
});
beforeEach(() => {
  sim.state.model.clearScenarios();
});

let repoCounter = 0;
const request = (overrides: Record<string, unknown> = {}) => ({
  ...ONBOARDING_FORM,
  submissionKey: randomUUID(),
  repoName: `payments-api-${++repoCounter}`,
  ownerContacts: "rui.costa@ops.example, #payments",
  alertContacts: "#payments-alerts",
  ...overrides,
});

async function submit(actor: Actor, overrides: Record<string, unknown> = {}) {
  const r = await executeAction(requestOnboardingAction, actor, request(overrides));
  if (!r.ok) throw new Error(`${r.message} ${JSON.stringify(r.fieldErrors)}`);
  return r.data.onboardingId;
}

const relay = () => deliverDueCommands({ client: createControlPlaneClient({ baseUrl: sim.url, maxAttempts: 1 }), onOutcome: settleOnboardingCommand });
const row = (id: string) => client.onboarding.findUniqueOrThrow({ where: { id } });
const admin = async (path: string, method: string, body?: unknown) => {
  const res = await fetch(`${sim.url}${path}`, { method, headers: body ? { "content-type": "application/json" } : undefined, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
};
const allowlist = async () => (await (await fetch(`${sim.url}/v1/settings`)).json()).allowlist as { repo: string; phase: string; dailyCapUsd: number }[];

/** Requested by the owner, approved by an SRE (flags acknowledged), allowlist delivered. */
async function allowlisted(overrides: Record<string, unknown> = {}) {
  const id = await submit(owner, overrides);
  const approved = await executeAction(approveOnboardingAction, sre, { onboardingId: id, acknowledgeFlags: "on" });
  expect(approved).toMatchObject({ ok: true });
  await relay();
  expect((await row(id)).state).toBe("ALLOWLISTED");
  return id;
}

describe("requesting onboarding", () => {
  it("stores the request and audits it; the same form submitted again (or at once, five times) creates one request", async () => {
    const input = request();
    const first = await executeAction(requestOnboardingAction, owner, input);
    expect(first).toMatchObject({ ok: true, data: { duplicate: false } });
    const id = first.ok ? first.data.onboardingId : "";
    expect(await row(id)).toMatchObject({
      state: "REQUESTED",
      repoName: input.repoName,
      requestedById: owner.id,
      ownerContacts: ["rui.costa@ops.example", "#payments"],
      targetPhase: "PHASE_6",
      expectedFlowsPerDay: 6,
      checklist: { trainingCompleted: true, cicdReady: true, apiAccessRequested: true },
    });
    expect(Number((await row(id)).estimatedDailySpendUsd)).toBe(3.5);
    expect(await executeAction(requestOnboardingAction, owner, input)).toEqual({ ok: true, data: { onboardingId: id, duplicate: true } });

    const again = request();
    const results = await Promise.all(Array.from({ length: 5 }, () => executeAction(requestOnboardingAction, owner, again)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => (r.ok ? r.data.onboardingId : null))).size).toBe(1);
    expect(await client.onboarding.count({ where: { submissionKey: { in: [input.submissionKey, again.submissionKey] } } })).toBe(2);
    expect(await client.auditEvent.count({ where: { action: "onboarding.requested", targetId: id } })).toBe(1);
    expect(await client.auditEvent.count({ where: { action: "onboarding.request.repeated", targetId: id } })).toBe(1);
  });

  it("refuses bad input with a message under the field and stores nothing", async () => {
    const before = await client.onboarding.count();
    const open = await submit(owner, { repoName: "ledger-service" });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ repoUrl: "not a url" }, "repoUrl", /https:\/\/ URL/],
      [{ estimatedDailySpendUsd: "-5" }, "estimatedDailySpendUsd", /cannot be negative/],
      [{ trainingCompleted: undefined }, "trainingCompleted", /Complete the training/],
      [{ apiAccessRequested: "" }, "apiAccessRequested", /Request API access/],
      [{ repoName: "billing-api" }, "repoName", /billing-api is already registered with the orchestrator/],
      [{ repoName: "Billing-API" }, "repoName", /billing-api is already registered/],
      [{ repoName: "ledger-service" }, "repoName", /already has an open onboarding request \(you have one/],
    ];
    for (const [overrides, field, message] of cases) {
      const r = await executeAction(requestOnboardingAction, owner, request(overrides));
      expect(r, field).toMatchObject({ ok: false, code: "INVALID" });
      expect(r.ok ? [] : r.fieldErrors?.[field], JSON.stringify(overrides)).toEqual([expect.stringMatching(message)]);
    }
    const otherOwnersTry = await executeAction(requestOnboardingAction, otherOwner, request({ repoName: "ledger-service" }));
    expect(otherOwnersTry.ok ? [] : otherOwnersTry.fieldErrors?.repoName).toEqual([expect.stringMatching(/someone else has one/)]);
    expect(await client.onboarding.count()).toBe(before + 1);
    expect((await row(open)).state).toBe("REQUESTED");
  });

  it("refuses people whose role may not request (auditor) and anonymous callers", async () => {
    expect(await executeAction(requestOnboardingAction, auditor, request())).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(requestOnboardingAction, null, request())).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
  });
});

describe("authorisation", () => {
  it("a repo owner cannot approve or send back, even their own request; the refusals are audited", async () => {
    const id = await submit(owner);
    expect(await executeAction(approveOnboardingAction, owner, { onboardingId: id, acknowledgeFlags: "on" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(sendBackOnboardingAction, owner, { onboardingId: id, reason: "never mind" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect((await row(id)).state).toBe("REQUESTED");
    expect(await client.command.count({ where: { requestedById: owner.id } })).toBe(0);
    expect(await client.auditEvent.count({ where: { targetId: id, outcome: "refused", actorId: owner.id } })).toBe(2);
  });

  it("another repo owner cannot see the request or act on it; an SRE sees everyone's", async () => {
    const id = await allowlisted();
    expect(await getOnboardingView(otherOwner, id)).toBeNull();
    expect((await listOnboardings(otherOwner)).items.map((i) => i.id)).not.toContain(id);
    expect((await listOnboardings(owner)).items.map((i) => i.id)).toContain(id);
    expect((await listOnboardings(sre)).scope).toBe("all");
    expect((await listOnboardings(sre)).items.map((i) => i.id)).toContain(id);
    expect(await getOnboardingView(sre, id)).toMatchObject({ id, viewer: { isRequester: false, canReview: true } });
    expect(await getOnboardingView(owner, id)).toMatchObject({ id, viewer: { isRequester: true, canReview: false } });

    const notYours = { ok: false, code: "FORBIDDEN", message: expect.stringMatching(/not yours/) };
    expect(await executeAction(runFirstFlowAction, otherOwner, { onboardingId: id })).toMatchObject(notYours);
    expect(await executeAction(verifyTelemetryAction, otherOwner, { onboardingId: id })).toMatchObject(notYours);
    expect(await executeAction(confirmTrainingAction, otherOwner, { onboardingId: id })).toMatchObject(notYours);
    expect(await executeAction(runFirstFlowAction, owner, { onboardingId: randomUUID() })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect((await row(id)).state).toBe("ALLOWLISTED");
    expect(await client.auditEvent.count({ where: { targetId: id, outcome: "refused", actorId: otherOwner.id } })).toBe(3);
  });

  it("only the requesting owner confirms their training (not an SRE on their behalf)", async () => {
    const id = await allowlisted();
    expect(await executeAction(confirmTrainingAction, sre, { onboardingId: id })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(confirmTrainingAction, owner, { onboardingId: id })).toMatchObject({ ok: true });
    expect((await row(id)).ownerTrainedAt).not.toBeNull();
  });
});

describe("review, registration and allowlist", () => {
  it("shows the budget and capacity impact: the 11th repo on Phase 6 capacity is flagged and must be acknowledged", async () => {
    const id = await submit(owner);
    const commandsBefore = await client.command.count();
    const view = await getOnboardingView(sre, id);
    expect(view?.impact?.capacity).toMatchObject({ reposAfter: (await client.repo.count({ where: { allowlisted: true } })) + 1, planned: { maxRepos: 10 } });
    expect(view?.impact?.budget.currentUsd).toBeGreaterThan(0);
    expect(view?.impact?.needsAcknowledgement).toBe(true);
    const refused = await executeAction(approveOnboardingAction, sre, { onboardingId: id });
    expect(refused).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { acknowledgeFlags: [expect.stringMatching(/Phase 6 capacity is planned for 10 repos/)] } });
    expect((await row(id)).state).toBe("REQUESTED");
    expect(await client.command.count()).toBe(commandsBefore);
    expect(await client.repo.findUnique({ where: { name: (await row(id)).repoName } })).toBeNull();
  });

  it("approval registers the repo and enqueues one set-allowlist in the same transaction; two SREs at once make one", async () => {
    const id = await submit(owner, { targetPhase: "PHASE_7" });
    const { repoName } = await row(id);
    const commandsBefore = await client.command.count();
    const [a, b] = await Promise.all([
      executeAction(approveOnboardingAction, sre, { onboardingId: id, acknowledgeFlags: "on", note: "Phase 7 wave 1" }),
      executeAction(approveOnboardingAction, sre2, { onboardingId: id, acknowledgeFlags: "on" }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const loser = a.ok ? b : a;
    expect(loser).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await client.command.count()).toBe(commandsBefore + 1);

    const o = await row(id);
    expect(o).toMatchObject({ state: "APPROVED", reviewedById: a.ok ? sre.id : sre2.id, reviewReason: a.ok ? "Phase 7 wave 1" : null });
    expect(o.closesAt!.getTime() - o.approvedAt!.getTime()).toBe(WEEK_MS);
    const cmd = await client.command.findUniqueOrThrow({ where: { id: o.allowlistCommandId! } });
    expect(cmd).toMatchObject({ action: "set-allowlist", state: "PENDING", params: { add: [repoName], phase: "phase7", dailyCapUsd: 5 } });
    expect(await client.repo.findUniqueOrThrow({ where: { name: repoName } })).toMatchObject({ ownerId: owner.id, phase: "PHASE_7", allowlisted: false });
    const audit = await client.auditEvent.findFirstOrThrow({ where: { action: "onboarding.approved", targetId: id } });
    expect(audit.details).toMatchObject({ repo: repoName, commandId: cmd.id, flagsAcknowledged: true });

    // The relay delivers it; the onboarding moves to ALLOWLISTED in the outcome's transaction.
    const before = (await allowlist()).map((e) => e.repo);
    await relay();
    expect(await client.command.findUniqueOrThrow({ where: { id: cmd.id } })).toMatchObject({ state: "SUCCEEDED" });
    expect((await row(id)).state).toBe("ALLOWLISTED");
    expect(await client.repo.findUniqueOrThrow({ where: { name: repoName } })).toMatchObject({ allowlisted: true });
    const after = await allowlist();
    expect(after.find((e) => e.repo === repoName)).toEqual({ repo: repoName, phase: "phase7", dailyCapUsd: 5 });
    expect(after.map((e) => e.repo).filter((r) => r !== repoName)).toEqual(before);
    expect(await client.auditEvent.count({ where: { action: "onboarding.allowlisted", targetId: id } })).toBe(1);
    const effects = await (await fetch(`${sim.url}/admin/effects`)).json();
    expect(effects.duplicates ?? []).toEqual([]);
  });

  it("an approval and a send-back at once: exactly one decision wins, the other is a conflict that changes nothing", async () => {
    for (let round = 0; round < 4; round++) {
      const id = await submit(owner, { targetPhase: "PHASE_7" });
      const commandsBefore = await client.command.count();
      const [approve, sendBack] = await Promise.all([
        executeAction(approveOnboardingAction, sre, { onboardingId: id, acknowledgeFlags: "on" }),
        executeAction(sendBackOnboardingAction, sre2, { onboardingId: id, reason: "Wrong team name." }),
      ]);
      expect([approve.ok, sendBack.ok].sort()).toEqual([false, true]);
      expect(approve.ok ? sendBack : approve).toMatchObject({ ok: false, code: "CONFLICT" });
      const o = await row(id);
      expect(o.state).toBe(approve.ok ? "APPROVED" : "CHANGES_REQUESTED");
      expect(o.version).toBe(1);
      expect(await client.command.count()).toBe(commandsBefore + (approve.ok ? 1 : 0));
      const decisions = await client.auditEvent.count({ where: { targetId: id, action: { in: ["onboarding.approved", "onboarding.sent_back"] }, outcome: "allowed" } });
      expect(decisions).toBe(1);
    }
  });

  it("a refused allowlist change leaves it APPROVED with the reason; approving again sends it again", async () => {
    const id = await submit(owner);
    await executeAction(approveOnboardingAction, sre, { onboardingId: id, acknowledgeFlags: "on" });
    const first = (await row(id)).allowlistCommandId!;
    await admin("/admin/faults", "POST", { rules: [{ target: "actions", actions: ["set-allowlist"], phase: "before", kind: "error", status: 503 }] });
    await deliverDueCommands({ client: createControlPlaneClient({ baseUrl: sim.url, maxAttempts: 1 }), onOutcome: settleOnboardingCommand, maxAttempts: 1 });
    await admin("/admin/faults", "DELETE");
    expect(await client.command.findUniqueOrThrow({ where: { id: first } })).toMatchObject({ state: "FAILED" });
    const view = await getOnboardingView(sre, id);
    expect(view).toMatchObject({ state: "APPROVED", allowlistCommand: { state: "FAILED" } });
    expect(view?.steps.find((s) => s.id === "allowlist")).toMatchObject({ status: "failed" });

    const resent = await executeAction(approveOnboardingAction, sre, { onboardingId: id });
    expect(resent).toMatchObject({ ok: true });
    expect((await row(id)).allowlistCommandId).not.toBe(first);
    expect(await client.auditEvent.count({ where: { action: "onboarding.allowlist.resent", targetId: id } })).toBe(1);
    await relay();
    expect((await row(id)).state).toBe("ALLOWLISTED");
  });

  it("sending back records the reason; the owner may then request the repo again", async () => {
    const id = await submit(owner, { repoName: "fraud-scoring" });
    expect(await executeAction(sendBackOnboardingAction, sre, { onboardingId: id, reason: "" })).toMatchObject({ ok: false, code: "INVALID" });
    expect(await executeAction(sendBackOnboardingAction, sre, { onboardingId: id, reason: "Use the team's shared alert channel" })).toMatchObject({ ok: true });
    expect(await row(id)).toMatchObject({ state: "CHANGES_REQUESTED", reviewReason: "Use the team's shared alert channel", reviewedById: sre.id });
    expect(await executeAction(approveOnboardingAction, sre, { onboardingId: id, acknowledgeFlags: "on" })).toMatchObject({ ok: false, code: "CONFLICT" });
    await submit(owner, { repoName: "fraud-scoring" });
  });
});

describe("first flow, telemetry and week 1", () => {
  it("runs the first flow through the outbox, records it passing 5/5, verifies telemetry and closes week 1 as SUCCEEDED", async () => {
    const id = await allowlisted();
    const { repoName } = await row(id);
    expect(await executeAction(verifyTelemetryAction, owner, { onboardingId: id })).toMatchObject({ ok: false, code: "CONFLICT", message: /first flow/ });
    expect(await executeAction(runFirstFlowAction, owner, { onboardingId: id })).toMatchObject({ ok: true });
    expect(await executeAction(runFirstFlowAction, owner, { onboardingId: id })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect((await row(id)).state).toBe("FIRST_FLOW_RUNNING");
    await relay();
    const { firstFlowId } = await row(id);
    expect(firstFlowId).toMatch(/^flw_/);

    const running = await refreshOnboarding(id);
    expect(running.liveFlow).toMatchObject({ id: firstFlowId, repo: repoName, status: "running", trigger: "manual" });
    sim.state.advance(5 * 60_000);
    const done = await refreshOnboarding(id);
    expect(done.liveFlow).toMatchObject({ id: firstFlowId, status: "succeeded", qualityGatesPassed: 5 });
    const passed = await row(id);
    expect(passed).toMatchObject({ state: "FIRST_FLOW_PASSED", firstFlowResult: { flowId: firstFlowId, passed: true, qualityGatesPassed: 5 } });
    expect(await client.auditEvent.count({ where: { action: "onboarding.first_flow.passed", targetId: id } })).toBe(1);
    await refreshOnboarding(id);
    expect(await client.auditEvent.count({ where: { action: "onboarding.first_flow.passed", targetId: id } })).toBe(1);

    const verified = await executeAction(verifyTelemetryAction, owner, { onboardingId: id });
    expect(verified).toMatchObject({ ok: true, data: { firstFlowSeen: true } });
    expect((await row(id)).state).toBe("TELEMETRY_VERIFIED");
    expect(await executeAction(confirmTrainingAction, owner, { onboardingId: id })).toMatchObject({ ok: true });

    const midweek = await getOnboardingView(owner, id);
    expect(midweek?.weekOne).toMatchObject({ due: false, outcome: null, missing: [] });
    expect(midweek?.files?.workflow.text).toContain(`ORCHESTRATOR_REPO: "${repoName}"`);

    const { closesAt } = await row(id);
    await refreshOnboarding(id, { now: new Date(closesAt!.getTime() + 1_000) });
    expect(await row(id)).toMatchObject({ state: "SUCCEEDED", outcome: { outcome: "SUCCEEDED", missing: [] } });
    expect((await row(id)).closedAt).not.toBeNull();
    expect(await client.auditEvent.count({ where: { action: "onboarding.closed", targetId: id } })).toBe(1);
  });

  it("a failed first flow can run again; a week without the criteria closes as NEEDS_ATTENTION naming them", async () => {
    const id = await allowlisted();
    sim.state.model.injectScenario({ scenario: "provider-outage", count: 3 });
    await executeAction(runFirstFlowAction, sre, { onboardingId: id });
    await relay();
    sim.state.advance(60_000);
    await refreshOnboarding(id);
    const failed = await row(id);
    expect(failed).toMatchObject({ state: "FIRST_FLOW_FAILED", firstFlowResult: { passed: false, status: "failed", errorType: "5xx" } });
    const view = await getOnboardingView(owner, id);
    expect(view?.weekOne.criteria.find((c) => c.id === "quality-gates")).toMatchObject({ status: "pending", detail: expect.stringMatching(/0\/5 \(failed: 5xx\)/) });

    sim.state.model.clearScenarios();
    expect(await executeAction(runFirstFlowAction, owner, { onboardingId: id })).toMatchObject({ ok: true, data: expect.anything() });
    expect((await row(id)).firstFlowResult).toBeNull();

    const { closesAt } = await row(id);
    await refreshOnboarding(id, { now: new Date(closesAt!.getTime()) });
    const closed = await row(id);
    expect(closed.state).toBe("NEEDS_ATTENTION");
    expect((closed.outcome as { missing: string[] }).missing).toEqual([
      "First flow succeeds within 24 h of approval",
      "Quality gates 5/5",
      "Telemetry visible",
      "Repo owner trained on troubleshooting",
    ]);
    expect(await executeAction(runFirstFlowAction, owner, { onboardingId: id })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("keeps the audit chain intact", async () => {
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});
