import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyChain } from "@/lib/audit/log";
import { createDb, type Db } from "@/lib/db";
import type { ControlPlaneAction } from "@/lib/control-plane/actions";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { ActionParamsError } from "@/lib/control-plane/contract";
import { ActionError } from "@/lib/actions/result";
import { deliverDueCommands, startRelay, type DeliverOptions } from "@/lib/control-plane/relay";
import { enqueueCommand } from "@/lib/stores/commands";
import { commandRequestHash } from "@/lib/control-plane/request-hash";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { actorByEmail, useFreshDatabase } from "./db";

let db: Db;
/** The owner role, to empty the outbox between tests (the portal's own role never deletes a command). */
let owner: Db;
let url: string;
let sim: SimulatorHandle;
let requester: string;
let approver: string;

beforeAll(async () => {
  let ownerUrl: string;
  ({ client: db, url, ownerUrl } = await useFreshDatabase({ seed: true }));
  owner = createDb(ownerUrl);
  requester = (await actorByEmail(db, "sam.rivera@ops.example")).id;
  approver = (await actorByEmail(db, "jordan.lee@ops.example")).id;
  sim = await startSimulator({ seed: 9, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim?.stop();
  await owner?.$disconnect();
  await db.$disconnect();
});
beforeEach(async () => {
  sim.state.reset();
  await owner.command.deleteMany({});
});

/** A spread of valid requests (none of which makes a later one impossible). */
const REQUESTS: [ControlPlaneAction, unknown][] = [
  ["run-flow", { repo: "billing-api" }],
  ["set-context-pruning", { scope: "repo", repo: "reporting-etl", enabled: true }],
  ["throttle-repo", { repo: "docs-portal", maxConcurrent: 2 }],
  ["scale-flowengine", { replicas: 6, hpaMin: 5, hpaMax: 20 }],
  ["set-db-pool-size", { size: 250 }],
  ["set-retry-limit", { scope: "global", maxAttempts: 2 }],
  ["set-routing-weights", { weights: { anthropic: 40, openai: 30, google: 30 } }],
  ["request-quota-increase", { urgency: "planned", requests: [{ provider: "google", dailyTokens: 1_500_000 }] }],
  ["rotate-api-key", { providers: ["google"], revokePrevious: true }],
  ["run-flow", { repo: "compliance-service" }],
];

async function enqueue(n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const [action, params] = REQUESTS[i % REQUESTS.length];
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action, params, requestedBy: { id: requester }, stepId: `step-${i}`, consent: { requestedBy: requester, approvedBy: [approver] } }));
    ids.push(row.id);
  }
  return ids;
}

/** Runs passes on a simulated clock (each pass 2 s later) until nothing is due; returns the number of passes. */
async function drain(opts: DeliverOptions, maxPasses = 60): Promise<number> {
  let now = Date.now();
  for (let pass = 1; pass <= maxPasses; pass++) {
    now += 2_000;
    await deliverDueCommands({ ...opts, now: new Date(now) });
    const open = await db.command.count({ where: { state: { in: ["PENDING", "SENDING"] } } });
    if (open === 0) return pass;
  }
  throw new Error("commands still open after the maximum number of passes");
}

describe("enqueueCommand", () => {
  it("stores canonical params, the request hash and a fresh idempotency key in the caller's transaction", async () => {
    const written = await db.$transaction((tx) =>
      enqueueCommand(tx, {
        action: "throttle-repo",
        params: { repos: "billing-api, checkout-web", capacityPercent: "50" },
        requestedBy: requester,
        stepId: "throttle",
        consent: { requestedBy: requester, approvedBy: [approver] },
      }),
    );
    const row = await db.command.findUniqueOrThrow({ where: { id: written.id } });
    expect(written).toEqual({ id: row.id, action: row.action, params: row.params, requestHash: row.requestHash, idempotencyKey: row.idempotencyKey });
    expect(row).toMatchObject({ state: "PENDING", attempts: 0, action: "throttle-repo", requestedById: requester, stepId: "throttle" });
    expect(row.params).toEqual({ repos: ["billing-api", "checkout-web"], capacityPercent: 50 });
    expect(row.requestHash).toBe(commandRequestHash("throttle-repo", { repos: ["billing-api", "checkout-web"], capacityPercent: 50 }));
    expect(row.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    const other = await db.$transaction((tx) => enqueueCommand(tx, { action: "run-flow", params: { repo: "billing-api" }, requestedBy: null }));
    expect(other.idempotencyKey).not.toBe(row.idempotencyKey);
  });

  it("refuses invalid params with field errors and writes nothing; rolls back with its transaction", async () => {
    await expect(db.$transaction((tx) => enqueueCommand(tx, { action: "scale-flowengine", params: { replicas: 50, hpaMin: 5, hpaMax: 20 }, requestedBy: null }))).rejects.toThrow(
      ActionParamsError,
    );
    await expect(
      db.$transaction(async (tx) => {
        await enqueueCommand(tx, { action: "run-flow", params: { repo: "billing-api" }, requestedBy: null });
        throw new Error("the caller's audit append failed");
      }),
    ).rejects.toThrow(/audit append failed/);
    expect(await db.command.count()).toBe(0);
  });

  it("refuses a critical action without another person's approval and writes nothing, however its caller forgot the rule", async () => {
    // A mass throttle as typed: critical only once parsed, so the check must run on the parsed parameters.
    const mass = { repos: "billing-api, checkout-web", capacityPercent: "50" };
    for (const consent of [undefined, { requestedBy: requester, approvedBy: [] }, { requestedBy: requester, approvedBy: [requester] }, { requestedBy: requester, approvedBy: [approver, approver] }]) {
      for (const [action, params] of [["throttle-repo", mass], ["rollback-to-pilot", { pilotRepo: "compliance-service" }]] as const) {
        const refused = db.$transaction((tx) => enqueueCommand(tx, { action, params, requestedBy: requester, consent }));
        await expect(refused, `${action} ${JSON.stringify(consent)}`).rejects.toThrow(ActionError);
        await expect(refused).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/is a critical action: .* Nothing was queued\.$/) });
      }
    }
    expect(await db.command.count()).toBe(0);
    await db.$transaction((tx) => enqueueCommand(tx, { action: "throttle-repo", params: mass, requestedBy: requester, consent: { requestedBy: requester, approvedBy: [approver] } }));
    expect(await db.command.count()).toBe(1);
  });
});

describe("deliverDueCommands", () => {
  it("delivers a command, stores the response and audits the outcome", async () => {
    const [id] = await enqueue(1);
    const client = createControlPlaneClient({ baseUrl: sim.url });
    const report = await deliverDueCommands({ db, client });
    expect(report).toMatchObject({ claimed: 1, succeeded: 1, retried: 0, failed: 0 });
    const row = await db.command.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ state: "SUCCEEDED", attempts: 1, lastError: null });
    expect(row.completedAt).not.toBeNull();
    const flowId = (row.response as { result: { flowId: string } }).result.flowId;
    expect((await client.flow(flowId)).repo).toBe("billing-api");
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "command.succeeded", targetId: id } });
    expect(event).toMatchObject({ actorId: null, outcome: "allowed", targetType: "command" });
    expect(event.details).toMatchObject({ action: "run-flow", idempotencyKey: row.idempotencyKey, requestHash: row.requestHash, attempts: 1 });
    expect(await deliverDueCommands({ db, client })).toMatchObject({ claimed: 0 });
  });

  it("fails a command the control plane refuses, with its reason, without retrying", async () => {
    const client = createControlPlaneClient({ baseUrl: sim.url });
    await client.act("rollback-to-pilot", {}, { idempotencyKey: "pre-rollback" });
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "run-flow", params: { repo: "billing-api" }, requestedBy: null }));
    expect(await deliverDueCommands({ db, client })).toMatchObject({ failed: 1 });
    expect(await db.command.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      state: "FAILED",
      attempts: 1,
      lastError: "Control plane refused the request: billing-api is not on the allowlist",
    });
    expect((await db.command.findUniqueOrThrow({ where: { id: row.id } })).response).toMatchObject({ code: "action-refused", status: 422 });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "command.failed", targetId: row.id } });
    expect(event.details).toMatchObject({ errorKind: "refused", httpStatus: 422 });
  });

  it(
    "ends 100 commands under 30 % injected faults SUCCEEDED or FAILED with a reason, each effect applied at most once",
    async () => {
      const ids = await enqueue(100);
      sim.state.faults.configure({
        seed: 2024,
        rules: [
          { target: "actions", phase: "before", kind: "latency", latencyMs: 400, probability: 0.05 },
          { target: "actions", phase: "before", kind: "error", status: 503, probability: 0.05 },
          { target: "actions", phase: "before", kind: "rate-limit", retryAfterSeconds: 1, provider: "anthropic", probability: 0.05 },
          { target: "actions", phase: "before", kind: "drop", probability: 0.04 },
          { target: "actions", phase: "processing", kind: "latency", latencyMs: 300, probability: 0.05 },
          { target: "actions", phase: "after", kind: "error", status: 500, probability: 0.03 },
          { target: "actions", phase: "after", kind: "drop", probability: 0.03 },
          { target: "actions", phase: "after", kind: "latency", latencyMs: 400, probability: 0.03 },
          // And certainly a few responses lost after the effect, whatever the rolls:
          { target: "actions", phase: "after", kind: "error", status: 500, times: 3 },
          { target: "actions", phase: "after", kind: "drop", times: 3 },
        ],
      });
      const client = createControlPlaneClient({ baseUrl: sim.url, timeoutMs: 150 });
      const started = Date.now();
      const passes = await drain({ db, client, limit: 100, concurrency: 10, backoff: { baseMs: 1, maxMs: 10 }, leaseMs: 1_000 });
      const elapsed = Date.now() - started;

      const rows = await db.command.findMany({ where: { id: { in: ids } } });
      const hits = sim.state.faults.describe().rules.reduce((s, r) => s + r.hits, 0);
      const attempts = rows.reduce((s, r) => s + r.attempts, 0);
      expect(hits / attempts).toBeGreaterThan(0.15);
      expect(rows.filter((r) => r.attempts > 1).length).toBeGreaterThan(10);
      for (const row of rows) {
        expect(["SUCCEEDED", "FAILED"]).toContain(row.state);
        if (row.state === "FAILED") expect(row.lastError).toMatch(/\w/);
      }
      const effects = sim.state.effects.summary();
      expect(effects.duplicates).toEqual([]);
      for (const row of rows) {
        if (row.state === "SUCCEEDED") expect(effects.byKey[row.idempotencyKey], row.idempotencyKey).toBe(1);
        else expect(effects.byKey[row.idempotencyKey] ?? 0).toBeLessThanOrEqual(1);
      }
      // Responses were lost after the effect (5xx, dropped, too slow) and retries still caused no second effect.
      const certain = sim.state.faults.describe().rules.filter((r) => r.times === 3);
      expect(certain.map((r) => r.hits)).toEqual([3, 3]);

      const outcomes = await db.auditEvent.findMany({ where: { action: { in: ["command.succeeded", "command.failed"] }, targetId: { in: ids } } });
      expect(outcomes).toHaveLength(100);
      expect(new Set(outcomes.map((e) => e.targetId)).size).toBe(100);
      const retries = await db.auditEvent.count({ where: { action: "command.retry", targetId: { in: ids } } });
      expect(retries).toBe(attempts - 100);
      expect((await verifyChain(db)).ok).toBe(true);
      expect(passes).toBeLessThan(60);
      expect(elapsed).toBeLessThan(20_000);
    },
    30_000,
  );

  it("keeps commands PENDING with a human reason while the control plane is unreachable, and delivers them once it is back", async () => {
    const down = await startSimulator({ seed: 9, speed: 0, startAt: "2025-11-20T10:00:00Z" });
    const port = down.port;
    await down.stop();
    const ids = await enqueue(5);
    const client = createControlPlaneClient({ baseUrl: `http://127.0.0.1:${port}` });
    let now = Date.now();
    for (let pass = 0; pass < 12; pass++) {
      now += 600_000;
      await deliverDueCommands({ db, client, now: new Date(now), maxAttempts: 3 });
    }
    const rows = await db.command.findMany({ where: { id: { in: ids } } });
    for (const row of rows) {
      expect(row.state).toBe("PENDING");
      expect(row.attempts).toBeGreaterThan(3);
      // People see no internal address; the server log keeps it (lib/control-plane/errors.ts).
      expect(row.lastError).toBe("Control plane unreachable (connection refused)");
    }
    const back = await startSimulator({ seed: 9, speed: 0, startAt: "2025-11-20T10:00:00Z", port });
    try {
      await deliverDueCommands({ db, client, now: new Date(now + 600_000) });
      const delivered = await db.command.findMany({ where: { id: { in: ids } } });
      expect(delivered.map((r) => r.state)).toEqual(Array(5).fill("SUCCEEDED"));
      expect(back.state.effects.summary().total).toBe(5);
    } finally {
      await back.stop();
    }
  });
});

describe("startRelay", () => {
  it("lets exactly one of two relays deliver (advisory lock), and hands over when it stops", async () => {
    const client = createControlPlaneClient({ baseUrl: sim.url });
    const a = startRelay({ db, client, databaseUrl: url, intervalMs: 50 });
    const b = startRelay({ db, client, databaseUrl: url, intervalMs: 50 });
    try {
      const waitFor = async (check: () => boolean | Promise<boolean>, what: string) => {
        for (let i = 0; i < 200; i++) {
          if (await check()) return;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`timed out waiting for ${what}`);
      };
      await waitFor(() => a.isLeader() || b.isLeader(), "a leader");
      await new Promise((r) => setTimeout(r, 150));
      expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
      const ids = await enqueue(4);
      await waitFor(async () => (await db.command.count({ where: { id: { in: ids }, state: "SUCCEEDED" } })) === 4, "delivery");
      const [leader, follower] = a.isLeader() ? [a, b] : [b, a];
      await leader();
      await waitFor(() => follower.isLeader(), "the follower to take over");
      const more = await enqueue(2);
      await waitFor(async () => (await db.command.count({ where: { id: { in: more }, state: "SUCCEEDED" } })) === 2, "delivery after hand-over");
      expect(sim.state.effects.summary()).toMatchObject({ total: 6, duplicates: [] });
    } finally {
      await Promise.all([a(), b()]);
    }
  });
});
