/**
 * The two-person rule through the entry the JSON API and the pages use (executeAction), on PostgreSQL (issue 14):
 * on RB-LAUNCH-002 two approvers who never requested the step must approve the current request before the rollback
 * is queued, and an SRE cannot approve their own onboarding request (set-allowlist is a critical action).
 */
// lib/data/run-view.ts is server-only (a marker for Next's bundler); here it runs in plain Node.
import { vi } from "vitest";
vi.mock("server-only", () => ({}));
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { approveStepAction, decideStepAction, requestStepAction, signStepAction } from "@/lib/runs/actions";
import { approveOnboardingAction, requestOnboardingAction } from "@/lib/onboarding/actions";
import { getRunView } from "@/lib/data/run-view";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sam: Actor, jordan: Actor, ines: Actor, alex: Actor;
const STEP = "set-allowlist-pilot";

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sam = await actorByEmail(client, "sam.rivera@ops.example");
  jordan = await actorByEmail(client, "jordan.lee@ops.example");
  ines = await actorByEmail(client, "ines.carter@ops.example");
  const p = await client.person.create({ data: { email: "alex.moreau@ops.example", name: "Alex Moreau", roles: ["SRE"] } });
  alex = { id: p.id, email: p.email, name: p.name, roles: p.roles };
});
afterAll(async () => {
  await client.$disconnect();
});

/** A run of RB-LAUNCH-002 at step 3 (GO decided, pre-rollback signed). */
async function atAllowlistStep(): Promise<string> {
  const started = await executeAction(startRunAction, ines, { runbookId: "RB-LAUNCH-002" });
  if (!started.ok) throw new Error(started.message);
  const runId = started.data.runId;
  expect(await executeAction(decideStepAction, ines, { runId, stepId: "go-no-go", outcome: "GO", reason: "6 repos failing, cause unknown", checked: ["p1-five-repos"] })).toMatchObject({ ok: true });
  expect(await executeAction(signStepAction, sam, { runId, stepId: "pre-rollback" })).toMatchObject({ ok: true });
  return runId;
}

const request = (actor: Actor, runId: string) => executeAction(requestStepAction, actor, { runId, stepId: STEP });
const approve = (actor: Actor, runId: string, requestHash: string) => executeAction(approveStepAction, actor, { runId, stepId: STEP, requestHash });
const stepRow = (runId: string) => client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: STEP } } });
const commands = (runId: string) => client.command.findMany({ where: { runId } });
async function shown(actor: Actor, runId: string) {
  const view = await getRunView(actor, runId);
  const step = view!.steps.find((s) => s.id === STEP)!;
  return { approvals: step.approvals.map((a) => a.name), required: step.requiredApprovals, disqualified: step.approval?.disqualified.map((d) => [d.personName, d.reason]) };
}

describe("two-person rule on RB-LAUNCH-002 (set-allowlist-pilot)", () => {
  it("the reported four steps queue no command: Sam requests, Jordan approves, Jordan requests again, Sam is refused", async () => {
    const runId = await atAllowlistStep();
    expect(await request(sam, runId)).toMatchObject({ ok: true });
    const hash = (await stepRow(runId)).requestHash!;
    expect(await approve(jordan, runId, hash)).toMatchObject({ ok: true });
    expect(await request(jordan, runId)).toMatchObject({ ok: true });
    expect((await stepRow(runId)).requestHash).toBe(hash);

    expect(await approve(sam, runId, hash)).toEqual({
      ok: false,
      code: "FORBIDDEN",
      message: "You requested this step earlier in this run, so you cannot approve it (two-person rule).",
    });
    expect(await commands(runId)).toEqual([]);
    expect((await stepRow(runId)).status).toBe("AWAITING_SIGNATURES");
    expect(await client.auditEvent.count({ where: { action: "run.step.approved", outcome: "refused", actorId: sam.id, targetId: runId } })).toBe(1);

    // The page shows what the engine counts: nothing yet, and who may not approve.
    expect(await shown(alex, runId)).toEqual({ approvals: [], required: 2, disqualified: [["Jordan Lee", "REQUESTED_THIS"], ["Sam Rivera", "REQUESTED_EARLIER"]] });

    // Two people who never requested it: the first approval sends nothing, the second sends the exact request.
    expect(await approve(ines, runId, hash)).toMatchObject({ ok: true });
    expect(await commands(runId)).toEqual([]);
    expect(await shown(sam, runId)).toMatchObject({ approvals: ["Ines Carter"], required: 2 });
    expect(await approve(alex, runId, hash)).toMatchObject({ ok: true });
    const sent = await stepRow(runId);
    expect(sent.status).toBe("COMMAND_SENT");
    expect(await commands(runId)).toEqual([expect.objectContaining({ id: sent.commandId, action: "rollback-to-pilot", params: { pilotRepo: "compliance-service" }, requestHash: hash })]);

    // Each approval belongs to the request it was given to; the first request's approval was voided by the second.
    const requests = await client.stepRequest.findMany({ where: { runId, stepId: STEP }, orderBy: { createdAt: "asc" } });
    expect(requests.map((r) => r.requestedById)).toEqual([sam.id, jordan.id]);
    expect(sent.requestId).toBe(requests[1].id);
    const sigs = await client.signature.findMany({ where: { runId, stepId: STEP }, orderBy: { createdAt: "asc" } });
    expect(sigs.map((g) => [g.personId, g.requestId, g.voidedAt === null])).toEqual([
      [jordan.id, requests[0].id, false],
      [ines.id, requests[1].id, true],
      [alex.id, requests[1].id, true],
    ]);
    expect((await verifyChain(client)).ok).toBe(true);
  });

  it("a requester and two other approvers queue the command exactly once", async () => {
    const runId = await atAllowlistStep();
    expect(await request(sam, runId)).toMatchObject({ ok: true });
    const hash = (await stepRow(runId)).requestHash!;
    expect(await approve(jordan, runId, hash)).toMatchObject({ ok: true });
    expect(await commands(runId)).toEqual([]);
    expect(await shown(sam, runId)).toMatchObject({ approvals: ["Jordan Lee"], required: 2 });
    expect(await approve(ines, runId, hash)).toMatchObject({ ok: true });
    expect(await commands(runId)).toEqual([expect.objectContaining({ action: "rollback-to-pilot", state: "PENDING", requestHash: hash })]);
    expect(await approve(alex, runId, hash)).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await commands(runId)).toHaveLength(1);
  });
});

describe("onboarding approval (set-allowlist)", () => {
  const form = () => ({
    submissionKey: randomUUID(),
    repoName: `ledger-api-${randomUUID().slice(0, 8)}`,
    repoUrl: "https://github.com/acme/ledger-api",
    team: "Ledger",
    ownerContacts: "sam.rivera@ops.example",
    alertContacts: "#ledger-alerts",
    targetPhase: "PHASE_6",
    expectedFlowsPerDay: "4",
    estimatedDailySpendUsd: "2.00",
    trainingCompleted: "on",
    cicdReady: "on",
    apiAccessRequested: "on",
  });

  it("refuses the SRE who requested it and queues nothing; another SRE approves it", async () => {
    const requested = await executeAction(requestOnboardingAction, sam, form());
    if (!requested.ok) throw new Error(requested.message);
    const onboardingId = requested.data.onboardingId;
    const before = await client.command.count();

    expect(await executeAction(approveOnboardingAction, sam, { onboardingId, acknowledgeFlags: "on" })).toEqual({
      ok: false,
      code: "FORBIDDEN",
      message: "You requested this onboarding, so you cannot approve it: adding a repo to the allowlist is a critical action, and another SRE must approve it (two-person rule).",
    });
    expect(await client.command.count()).toBe(before);
    expect((await client.onboarding.findUniqueOrThrow({ where: { id: onboardingId } })).state).toBe("REQUESTED");
    expect(await client.auditEvent.count({ where: { action: "onboarding.approved", outcome: "refused", actorId: sam.id, targetId: onboardingId } })).toBe(1);

    expect(await executeAction(approveOnboardingAction, jordan, { onboardingId, acknowledgeFlags: "on" })).toMatchObject({ ok: true });
    const o = await client.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
    expect(o).toMatchObject({ state: "APPROVED", reviewedById: jordan.id });
    expect(await client.command.findUniqueOrThrow({ where: { id: o.allowlistCommandId! } })).toMatchObject({ action: "set-allowlist", requestedById: jordan.id });
  });
});
