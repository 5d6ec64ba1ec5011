/**
 * Contract tests: the typed client against the simulator over HTTP, for every telemetry endpoint and all 14 actions.
 * The client validates every response with the contract's zod schemas, so a passing call is a conforming response;
 * the assertions check that each action did what it says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONTROL_PLANE_ACTIONS, type ControlPlaneAction } from "@/lib/control-plane/actions";
import { createControlPlaneClient, type ControlPlaneClient } from "@/lib/control-plane/client";
import { actionResponseSchemas, telemetrySnapshotSchema } from "@/lib/control-plane/contract";
import { buildOpenApiDocument } from "@/lib/control-plane/openapi";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";

let sim: SimulatorHandle;
let cp: ControlPlaneClient;
let keyN = 0;
const key = () => `contract-${++keyN}`;
const covered = new Set<ControlPlaneAction>();

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, speed: 0, startAt: "2025-11-20T10:00:00Z" });
  cp = createControlPlaneClient({ baseUrl: sim.url });
});
afterAll(async () => {
  await sim.stop();
});

async function act<A extends ControlPlaneAction>(action: A, params: Parameters<ControlPlaneClient["act"]>[1]) {
  covered.add(action);
  const response = await cp.act(action, params as never, { idempotencyKey: key() });
  expect(actionResponseSchemas[action].safeParse(response).success).toBe(true);
  expect(response.action).toBe(action);
  return response as Awaited<ReturnType<typeof cp.act<A>>>;
}

const advance = (ms: number) => fetch(`${sim.url}/admin/clock`, { method: "POST", body: JSON.stringify({ advanceMs: ms }) });

describe("telemetry endpoints", () => {
  it("health identifies the simulator", async () => {
    expect(await cp.health()).toMatchObject({ status: "ok", simulated: true });
  });

  it("the snapshot carries flows, aggregates, provider health, capacity and settings", async () => {
    const snap = await cp.telemetry({ flowLimit: 5, window: "7d" });
    expect(telemetrySnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.flows).toHaveLength(5);
    expect(snap.aggregates.window.label).toBe("7d");
    expect(snap.aggregates.spend.perDay).toHaveLength(30);
    expect(snap.aggregates.tokens.map((t) => t.provider)).toEqual(["anthropic", "openai", "google"]);
    expect(snap.providers.orchestrator).toBe("operational");
    expect(snap.capacity.flowEngine).toMatchObject({ hpaMin: 5, hpaMax: 20 });
    expect(snap.settings.phase).toBe("phase6");
  });

  it("flows can be filtered by repo, status and limit, and read one by one", async () => {
    const { flows } = await cp.flows({ repo: "billing-api", status: "succeeded", limit: 3 });
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.length).toBeLessThanOrEqual(3);
    expect(flows.every((f) => f.repo === "billing-api" && f.status === "succeeded" && f.qualityGatesPassed === 5)).toBe(true);
    expect(await cp.flow(flows[0].id)).toEqual(flows[0]);
  });

  it("aggregates, providers, capacity and settings each validate", async () => {
    const agg = await cp.aggregates({ window: "1h" });
    expect(agg.window.label).toBe("1h");
    expect(agg.tokens.every((t) => t.breakerThresholdPercent === 85)).toBe(true);
    expect((await cp.providers()).providers).toHaveLength(3);
    expect((await cp.capacity()).dbPool.size).toBe(200);
    expect((await cp.settings()).allowlist).toHaveLength(10);
  });

  it("serves every path of its OpenAPI document (and the document itself)", async () => {
    const served = (await (await fetch(`${sim.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(doc.paths).sort());
    const flowId = (await cp.flows({ limit: 1 })).flows[0].id;
    for (const [p, ops] of Object.entries(doc.paths)) {
      const method = Object.keys(ops)[0].toUpperCase();
      const res = await fetch(`${sim.url}${p.replace("{flowId}", flowId)}`, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? "{}" : undefined });
      expect([200, 400], `${method} ${p}`).toContain(res.status);
      await res.body?.cancel();
    }
  });
});

describe("all 14 actions", () => {
  it("run-flow starts a flow that appears in telemetry and completes", async () => {
    const r = await act("run-flow", { repo: "billing-api" });
    expect(r.result.status).toBe("running");
    expect((await cp.flow(r.result.flowId)).status).toBe("running");
    await advance(200_000);
    const done = await cp.flow(r.result.flowId);
    expect(done.status).not.toBe("running");
    expect(done.durationMs).toBeGreaterThan(0);
    expect((await cp.flows({ limit: 50 })).flows.map((f) => f.id)).toContain(r.result.flowId);
  });

  it("set-context-pruning (repo and global)", async () => {
    const repo = await act("set-context-pruning", { scope: "repo", repo: "reporting-etl", enabled: true });
    expect(repo.result.pruning.repos).toContainEqual({ repo: "reporting-etl", enabled: true });
    const global = await act("set-context-pruning", { scope: "global", enabled: true });
    expect(global.result.pruning.global).toBe(true);
    expect((await cp.settings()).pruning.global).toBe(true);
  });

  it("set-routing-weights and failover-provider", async () => {
    const ctx = await act("set-routing-weights", { stage: "context", weights: { anthropic: 0, openai: 0, google: 100 } });
    expect(ctx.result.routing.contextWeights).toEqual({ anthropic: 0, openai: 0, google: 100 });
    const fo = await act("failover-provider", { from: "openai", to: "google" });
    expect(fo).toMatchObject({ status: "applied", result: { automaticFailoverAlreadyActive: false } });
    expect((await cp.providers()).providers.find((p) => p.provider === "openai")?.trafficShare).toBe(0);
    const restore = await act("set-routing-weights", { weights: "anthropic=50, openai=30, google=20" });
    expect(restore.result.routing).toEqual({ weights: { anthropic: 50, openai: 30, google: 20 }, contextWeights: null, pins: [] });
  });

  it("throttle-repo (one repo, a list, and lifting)", async () => {
    const one = await act("throttle-repo", { repo: "docs-portal", maxConcurrent: 1, dailyCapUsd: 5 });
    expect(one.result.throttles).toEqual([{ repo: "docs-portal", maxConcurrent: 1, dailyCapUsd: 5, capacityPercent: null }]);
    const many = await act("throttle-repo", { repos: ["billing-api", "checkout-web"], capacityPercent: 50 });
    expect(many.result.throttles.map((t) => t.repo)).toEqual(["billing-api", "checkout-web"]);
    const lifted = await act("throttle-repo", { repos: ["billing-api", "checkout-web", "docs-portal"], lift: true });
    expect(lifted.result.lifted).toEqual(["billing-api", "checkout-web", "docs-portal"]);
    expect((await cp.settings()).throttles).toEqual([]);
  });

  it("set-circuit-breaker (provider and global)", async () => {
    const p = await act("set-circuit-breaker", { scope: "provider", provider: "anthropic", state: "open" });
    expect(p.result.breakers.providers.find((b) => b.provider === "anthropic")).toMatchObject({ state: "open", reason: "manual" });
    await act("set-circuit-breaker", { scope: "provider", provider: "anthropic", state: "closed" });
    const g = await act("set-circuit-breaker", { scope: "global", state: "open" });
    expect(g.result.breakers.global).toBe("open");
    await expect(cp.act("run-flow", { repo: "billing-api" }, { idempotencyKey: key() })).rejects.toThrow(/global circuit breaker is open/);
    await act("set-circuit-breaker", { scope: "global", state: "closed" });
  });

  it("set-retry-limit, scale-flowengine, set-db-pool-size", async () => {
    expect((await act("set-retry-limit", { scope: "global", maxAttempts: 2 })).result.retry.maxAttempts).toBe(2);
    expect((await act("scale-flowengine", { replicas: 10, hpaMin: 10, hpaMax: 50 })).result.flowEngine).toEqual({ replicas: 10, hpaMin: 10, hpaMax: 50 });
    expect((await cp.capacity()).flowEngine).toMatchObject({ replicas: 10, hpaMin: 10, hpaMax: 50 });
    const pool = await act("set-db-pool-size", { size: 500 });
    expect(pool.result.dbPool.size).toBe(500);
    expect((await act("set-db-pool-size", { size: 500 })).status).toBe("no-change");
  });

  it("rotate-api-key answers with fingerprints, never keys", async () => {
    const before = (await cp.settings()).keys;
    const r = await act("rotate-api-key", { providers: ["anthropic", "openai", "google"], revokePrevious: true });
    expect(r.result.keys).toHaveLength(3);
    for (const k of r.result.keys) {
      expect(k.fingerprint).toMatch(/^sha256:[0-9a-f]{32}$/);
      expect(k.previousFingerprint).toBe(before.find((b) => b.provider === k.provider)?.fingerprint);
      expect(k.previousRevoked).toBe(true);
    }
    expect(JSON.stringify(r)).not.toMatch(/sk-|api[_-]?key"\s*:/i);
  });

  it("quarantine-flow-output (one flow, and a repo since an instant)", async () => {
    const { flows } = await cp.flows({ repo: "search-indexer", limit: 5 });
    const one = await act("quarantine-flow-output", { flowId: flows[0].id });
    expect(one.result.quarantinedFlowIds).toEqual([flows[0].id]);
    expect((await cp.flow(flows[0].id)).quarantined).toBe(true);
    const since = await act("quarantine-flow-output", { repo: "search-indexer", since: "2025-11-19" });
    expect(since.result.count).toBeGreaterThan(0);
  });

  it("request-quota-increase is submitted and, once granted, raises the quota", async () => {
    const r = await act("request-quota-increase", { urgency: "emergency", requests: [{ provider: "anthropic", dailyTokens: "3M" }] });
    expect(r.result).toMatchObject({ status: "submitted", requests: [{ provider: "anthropic", dailyTokens: 3_000_000, currentDailyTokens: 2_000_000 }] });
    await advance(16 * 60_000);
    const settings = await cp.settings();
    expect(settings.quotas.find((q) => q.provider === "anthropic")?.dailyTokens).toBe(3_000_000);
    expect(settings.quotaRequests[0]).toMatchObject({ requestId: r.result.requestId, status: "granted" });
  });

  it("set-allowlist, then rollback-to-pilot", async () => {
    const add = await act("set-allowlist", { add: ["payments-gateway"], phase: "phase7", dailyCapUsd: 5 });
    expect(add.result.added).toEqual(["payments-gateway"]);
    expect(add.result.allowlist).toContainEqual({ repo: "payments-gateway", phase: "phase7", dailyCapUsd: 5 });
    const rb = await act("rollback-to-pilot", { pilotRepo: "compliance-service" });
    expect(rb.result.allowlist.map((e) => e.repo)).toEqual(["compliance-service"]);
    expect(rb.result.removed).toHaveLength(10);
    expect((await cp.settings()).phase).toBe("pilot");
  });

  it("covered every action", () => {
    expect([...covered].sort()).toEqual([...CONTROL_PLANE_ACTIONS].sort());
  });
});
