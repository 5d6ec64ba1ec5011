/**
 * Answers the relay must not settle on its own (issue 17, item 5): a Retry-After past the cap, an answer echoing
 * another idempotency key, a 2xx that breaks the contract. Each holds the command for a person (NEEDS_DECISION, audited),
 * is never recorded as a success nor sent again by itself, and a person who signs the step retries it (same key) or
 * abandons it. Also: the heartbeat keeps a slow delivery's lease, and the run page names a person once.
 */
// lib/data/run-view.ts is server-only (a marker for Next's bundler); here it runs in plain Node.
import { vi } from "vitest";
vi.mock("server-only", () => ({}));
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { verifyChain } from "@/lib/audit/log";
import type { Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { decideCommandAction } from "@/lib/control-plane/decide-command";
import { deliverDueCommands, type DeliverOptions } from "@/lib/control-plane/relay";
import { enqueueCommand } from "@/lib/stores/commands";
import { getRunView } from "@/lib/data/run-view";
import { approveOnboardingAction, requestOnboardingAction } from "@/lib/onboarding/actions";
import { settleOnboardingCommand } from "@/lib/onboarding/service";
import { ONBOARDING_FORM } from "@/lib/onboarding/test-fixtures";
import { requestStepAction, signStepAction } from "@/lib/runs/actions";
import { settleRun } from "@/lib/stores/run-plans";
import { startRunAction } from "@/lib/runs/start-run";
import { runnerOf } from "@/lib/sql";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { actorByEmail, useFreshDatabase } from "./db";

let db: Db;
let sim: SimulatorHandle;
let sam: Actor, ben: Actor, rui: Actor, ines: Actor;

beforeAll(async () => {
  ({ client: db } = await useFreshDatabase({ seed: true }));
  sam = await actorByEmail(db, "sam.rivera@ops.example");
  ben = await actorByEmail(db, "ben.ortiz@ops.example");
  rui = await actorByEmail(db, "rui.costa@ops.example");
  ines = await actorByEmail(db, "ines.carter@ops.example");
  sim = await startSimulator({ seed: 17, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim?.stop();
  await db?.$disconnect();
});
beforeEach(async () => {
  sim.state.reset();
  // Each test delivers only its own commands: whatever an earlier test left due is closed.
  await db.command.updateMany({ where: { state: { in: ["PENDING", "SENDING"] } }, data: { state: "FAILED", lastError: "closed between tests" } });
});

const client = (opts: Partial<Parameters<typeof createControlPlaneClient>[0]> = {}) => createControlPlaneClient({ baseUrl: sim.url, maxAttempts: 1, ...opts });
const deliver = (opts: DeliverOptions = {}) =>
  deliverDueCommands({ db, client: client(), onOutcome: async (tx, c) => (c.runId ? settleRun(runnerOf(tx), c.runId) : undefined), ...opts });
const row = (id: string) => db.command.findUniqueOrThrow({ where: { id } });
const enqueue = (action: "set-db-pool-size" | "run-flow", params: Record<string, unknown>) => db.$transaction((tx) => enqueueCommand(tx, { action, params, requestedBy: sam }));

/** A client whose answers echo another idempotency key (the rest of the answer is the simulator's). */
const echoingAnotherKey = () =>
  client({
    fetch: async (url, init) => {
      const res = await fetch(url, init);
      const body = (await res.json()) as Record<string, unknown>;
      if (res.ok) body.idempotencyKey = `not-${String(body.idempotencyKey)}`;
      return new Response(JSON.stringify(body), { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "" } });
    },
  });

/** A run of RB-CORE-002 whose prune-repo step (one person, SRE) has been requested by Sam. */
async function requestedPrune(): Promise<{ runId: string; commandId: string }> {
  const started = await executeAction(startRunAction, sam, { runbookId: "RB-CORE-002" });
  if (!started.ok) throw new Error(started.message);
  const runId = started.data.runId;
  expect(await executeAction(signStepAction, sam, { runId, stepId: "identify-flow" })).toMatchObject({ ok: true });
  const requested = await executeAction(requestStepAction, sam, { runId, stepId: "prune-repo", values: { repo: "reporting-etl" } });
  if (!requested.ok) throw new Error(requested.message);
  return { runId, commandId: (requested.data as { commandId: string }).commandId };
}
const pruneStep = async (actor: Actor, runId: string) => (await getRunView(actor, runId))!.steps.find((s) => s.id === "prune-repo")!;

describe("a Retry-After past the cap holds the command for a person", () => {
  it("3600 s (cap 300 s): NEEDS_DECISION with the wait and an audit event, never parked for an hour, never sent again by itself", async () => {
    sim.state.faults.configure({ rules: [{ target: "actions", kind: "rate-limit", retryAfterSeconds: 3600, provider: "openai" }] });
    const cmd = await enqueue("set-db-pool-size", { size: 250 });
    expect(await deliver()).toMatchObject({ claimed: 1, held: 1, retried: 0, succeeded: 0 });
    const held = await row(cmd.id);
    expect(held).toMatchObject({ state: "NEEDS_DECISION", holdReason: "retry-after-too-long", retryAfterSeconds: 3600, attempts: 1 });
    expect(held.lastError).toMatch(/^The control plane asked to wait 3600 s \(more than the 300 s the relay waits on its own\): retry now or abandon\. \(OpenAI rate limit: retry in 3600 s\)$/);
    const event = await db.auditEvent.findFirstOrThrow({ where: { targetId: cmd.id, action: "command.held" } });
    expect(event).toMatchObject({ outcome: "failed", actorId: null });
    expect(event.details).toMatchObject({ reason: "retry-after-too-long", retryAfterSeconds: 3600, maxRetryAfterSeconds: 300, httpStatus: 429 });
    // Not due, however late: only a person moves it.
    sim.state.faults.clear();
    expect(await deliver({ now: new Date(Date.now() + 2 * 3600_000) })).toMatchObject({ claimed: 0 });
    expect(sim.state.count("POST /v1/actions/set-db-pool-size")).toBe(1);
  });

  it("a wait under the cap is obeyed (PENDING until then), and the cap is configurable", async () => {
    sim.state.faults.configure({ rules: [{ target: "actions", kind: "rate-limit", retryAfterSeconds: 120 }] });
    const obeyed = await enqueue("set-db-pool-size", { size: 260 });
    const now = new Date();
    expect(await deliver({ now })).toMatchObject({ retried: 1, held: 0 });
    const pending = await row(obeyed.id);
    expect(pending.state).toBe("PENDING");
    expect(pending.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(now.getTime() + 120_000);
    await db.command.update({ where: { id: obeyed.id }, data: { state: "FAILED" } });

    const capped = await enqueue("set-db-pool-size", { size: 270 });
    expect(await deliver({ maxRetryAfterMs: 60_000 })).toMatchObject({ held: 1 });
    expect(await row(capped.id)).toMatchObject({ state: "NEEDS_DECISION", retryAfterSeconds: 120 });
  });
});

describe("an answer echoing another idempotency key", () => {
  it("is not a success: NEEDS_DECISION, audited with both keys, not sent again by itself", async () => {
    const cmd = await enqueue("set-db-pool-size", { size: 280 });
    expect(await deliver({ client: echoingAnotherKey() })).toMatchObject({ claimed: 1, held: 1, succeeded: 0 });
    const held = await row(cmd.id);
    expect(held).toMatchObject({ state: "NEEDS_DECISION", holdReason: "key-mismatch", response: null, completedAt: null });
    expect(held.lastError).toContain(`not the key sent ("${cmd.idempotencyKey}"): the action may or may not have been applied`);
    const event = await db.auditEvent.findFirstOrThrow({ where: { targetId: cmd.id, action: "command.key_mismatch" } });
    expect(event.outcome).toBe("failed");
    expect(event.details).toMatchObject({ reason: "key-mismatch", sentKey: cmd.idempotencyKey, echoedKey: `not-${cmd.idempotencyKey}` });
    expect(await db.auditEvent.count({ where: { targetId: cmd.id, action: "command.succeeded" } })).toBe(0);
    expect(await deliver({ now: new Date(Date.now() + 3600_000) })).toMatchObject({ claimed: 0 });
    expect(sim.state.effects.count(cmd.idempotencyKey)).toBe(1);
  });

  it("a 2xx that breaks the contract is held too, not recorded as a success", async () => {
    const cmd = await enqueue("set-db-pool-size", { size: 290 });
    const html = client({ fetch: async () => new Response("<html>maintenance</html>", { status: 200, headers: { "content-type": "text/html" } }) });
    expect(await deliver({ client: html })).toMatchObject({ held: 1, succeeded: 0 });
    expect(await row(cmd.id)).toMatchObject({ state: "NEEDS_DECISION", holdReason: "invalid-response" });
  });
});

describe("a person decides: retry now or abandon (audited, permission-checked)", () => {
  it("the step shows the hold, nobody but its signers (or the incident commander) may decide, retry sends the same key once more", async () => {
    const { runId, commandId } = await requestedPrune();
    sim.state.faults.configure({ rules: [{ target: "actions", kind: "rate-limit", retryAfterSeconds: 41_035 }] });
    await deliver();
    const step = await pruneStep(sam, runId);
    expect(step.status).toBe("NEEDS_DECISION");
    expect(step.command).toMatchObject({ state: "NEEDS_DECISION", holdReason: "retry-after-too-long", retryAfterSeconds: 41_035 });
    // Requesting the step again is refused with what to do instead.
    expect(await executeAction(requestStepAction, sam, { runId, stepId: "prune-repo", values: { repo: "reporting-etl" } })).toMatchObject({
      ok: false,
      code: "CONFLICT",
      message: "The command for this step is waiting for a decision: retry it or abandon it before requesting the step again.",
    });

    for (const outsider of [ben, rui]) {
      const refused = await executeAction(decideCommandAction, outsider, { commandId, decision: "retry", reason: "let me try" });
      expect(refused, outsider.name).toMatchObject({ ok: false, code: "FORBIDDEN" });
    }
    expect(await db.auditEvent.count({ where: { targetId: commandId, action: "command.decided", outcome: "refused" } })).toBe(2);
    expect(await executeAction(decideCommandAction, sam, { commandId, decision: "retry", reason: "" })).toMatchObject({ ok: false, code: "INVALID" });
    expect((await row(commandId)).state).toBe("NEEDS_DECISION");

    sim.state.faults.clear();
    expect(await executeAction(decideCommandAction, sam, { commandId, decision: "retry", reason: "the rate limit has cleared" })).toMatchObject({ ok: true, data: { state: "PENDING" } });
    expect(await executeAction(decideCommandAction, sam, { commandId, decision: "abandon", reason: "changed my mind" })).toMatchObject({ ok: false, code: "CONFLICT" });
    const decided = await db.auditEvent.findFirstOrThrow({ where: { targetId: commandId, action: "command.retry_requested" } });
    expect(decided).toMatchObject({ actorId: sam.id, outcome: "allowed" });
    expect(decided.details).toMatchObject({ decision: "retry", reason: "the rate limit has cleared", holdReason: "retry-after-too-long" });

    const key = (await row(commandId)).idempotencyKey;
    expect(await deliver()).toMatchObject({ succeeded: 1 });
    expect(await row(commandId)).toMatchObject({ state: "SUCCEEDED", idempotencyKey: key, attempts: 2 });
    expect(sim.state.effects.count(key)).toBe(1);
    expect((await pruneStep(sam, runId)).status).toBe("DONE");
  });

  it("after a key mismatch, abandon fails the step (so it can be requested again with a new key); the incident commander may decide", async () => {
    const { runId, commandId } = await requestedPrune();
    await deliver({ client: echoingAnotherKey() });
    expect((await pruneStep(sam, runId)).status).toBe("NEEDS_DECISION");
    const abandoned = await executeAction(decideCommandAction, ines, { commandId, decision: "abandon", reason: "checked the control plane: pruning is on" });
    expect(abandoned).toMatchObject({ ok: true, data: { state: "FAILED" } });
    expect(await row(commandId)).toMatchObject({ state: "FAILED", lastError: "Abandoned by Ines Carter: checked the control plane: pruning is on" });
    expect((await db.auditEvent.findFirstOrThrow({ where: { targetId: commandId, action: "command.abandoned" } })).details).toMatchObject({ holdReason: "key-mismatch" });
    expect((await pruneStep(sam, runId)).status).toBe("FAILED");
    const again = await executeAction(requestStepAction, sam, { runId, stepId: "prune-repo", values: { repo: "reporting-etl" } });
    expect(again).toMatchObject({ ok: true });
    expect((await db.command.findMany({ where: { runId } })).map((c) => c.idempotencyKey).length).toBe(2);
    expect((await verifyChain(db)).ok).toBe(true);
  });
});

describe("an onboarding's held allowlist change", () => {
  it("is decided by an onboarding approver, not by the requesting repo owner; abandoned, it can be sent again", async () => {
    const requested = await executeAction(requestOnboardingAction, rui, {
      ...ONBOARDING_FORM,
      submissionKey: "0b6f4c7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f",
      repoName: "held-target",
      repoUrl: "https://github.com/acme/held-target",
      ownerContacts: "rui@ops.example",
      alertContacts: "#payments-alerts",
    });
    if (!requested.ok) throw new Error(requested.message);
    const onboardingId = requested.data.onboardingId;
    expect(await executeAction(approveOnboardingAction, sam, { onboardingId, acknowledgeFlags: "on" })).toMatchObject({ ok: true });
    const { allowlistCommandId } = await db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
    await deliver({ client: echoingAnotherKey(), onOutcome: settleOnboardingCommand });
    expect(await row(allowlistCommandId!)).toMatchObject({ state: "NEEDS_DECISION", holdReason: "key-mismatch" });

    expect(await executeAction(decideCommandAction, rui, { commandId: allowlistCommandId!, decision: "abandon", reason: "my own request" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(decideCommandAction, sam, { commandId: allowlistCommandId!, decision: "abandon", reason: "not on the allowlist after all" })).toMatchObject({ ok: true });
    expect(await row(allowlistCommandId!)).toMatchObject({ state: "FAILED", lastError: "Abandoned by Sam Rivera: not on the allowlist after all" });
    expect((await db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } })).state).toBe("APPROVED");
    // A failed allowlist change can be sent again (with a new key).
    expect(await executeAction(approveOnboardingAction, sam, { onboardingId, acknowledgeFlags: "on" })).toMatchObject({ ok: true });
    expect((await db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } })).allowlistCommandId).not.toBe(allowlistCommandId);
  });
});

describe("the run page names each signer once", () => {
  it("a failed one-person step requested again by the same person reads 'Signed off by Sam Rivera', not 'Sam Rivera and Sam Rivera'", async () => {
    const { runId } = await requestedPrune();
    const refusing = client({
      fetch: async () =>
        new Response(JSON.stringify({ type: "urn:x", title: "Refused", status: 422, code: "action-refused", detail: "not now" }), { status: 422, headers: { "content-type": "application/problem+json" } }),
    });
    expect(await deliver({ client: refusing })).toMatchObject({ failed: 1 });
    expect((await pruneStep(sam, runId)).status).toBe("FAILED");
    expect(await executeAction(requestStepAction, sam, { runId, stepId: "prune-repo", values: { repo: "reporting-etl" } })).toMatchObject({ ok: true });
    expect(await deliver()).toMatchObject({ succeeded: 1 });
    const step = await pruneStep(sam, runId);
    expect(step.status).toBe("DONE");
    expect(step.approvals.map((a) => a.name)).toEqual(["Sam Rivera"]);
  });
});

describe("the lease heartbeat", () => {
  it("a delivery slower than the lease keeps its row: a second relay claims nothing, the control plane sees one request", async () => {
    sim.state.faults.configure({ rules: [{ target: "actions", phase: "processing", kind: "latency", latencyMs: 1_500 }] });
    const cmd = await enqueue("run-flow", { repo: "billing-api" });
    const slow = deliver({ leaseMs: 400, client: client({ timeoutMs: 5_000 }) });
    await new Promise((r) => setTimeout(r, 1_000));
    // Two and a half leases later, another relay (after a takeover) would send it again if the lease had run out.
    expect(await deliver({ leaseMs: 400 })).toMatchObject({ claimed: 0 });
    expect(await slow).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(sim.state.count("POST /v1/actions/run-flow")).toBe(1);
    expect(await row(cmd.id)).toMatchObject({ state: "SUCCEEDED", attempts: 1 });
  });
});
