/** The Idempotency-Key rules, checked over HTTP against the simulator. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { ControlPlaneError } from "@/lib/control-plane/errors";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(() => {
  sim.state.reset();
});

async function post(action: string, body: unknown, key?: string) {
  const res = await fetch(`${sim.url}/v1/actions/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, replayed: res.headers.get("idempotent-replayed"), retryAfter: res.headers.get("retry-after"), body: (await res.json()) as Record<string, unknown> };
}

const effects = (key: string) => sim.state.effects.count(key);
const manualFlows = () => sim.state.model.listFlows({ limit: 1000 }).filter((f) => f.trigger === "manual").length;
const slowActions = (ms: number) => sim.state.faults.configure({ rules: [{ target: "actions", phase: "processing", kind: "latency", latencyMs: ms }] });

describe("Idempotency-Key", () => {
  it("same key and body: the first result again, marked as a replay, with no second effect", async () => {
    const first = await post("run-flow", { repo: "billing-api" }, "k-same");
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    const again = await post("run-flow", { repo: "billing-api" }, "k-same");
    expect(again).toMatchObject({ status: 200, replayed: "true" });
    expect(again.body).toEqual(first.body);
    expect(effects("k-same")).toBe(1);
    expect(manualFlows()).toBe(1);
  });

  it("compares bodies by content, not by key order or spacing", async () => {
    await post("scale-flowengine", { replicas: 6, hpaMin: 5, hpaMax: 20 }, "k-order");
    const again = await post("scale-flowengine", '{ "hpaMax": 20, "replicas": 6,  "hpaMin": 5 }', "k-order");
    expect(again).toMatchObject({ status: 200, replayed: "true" });
    expect(effects("k-order")).toBe(1);
  });

  it("same key, different body (or action): 422, and nothing happens", async () => {
    await post("run-flow", { repo: "billing-api" }, "k-diff");
    const other = await post("run-flow", { repo: "docs-portal" }, "k-diff");
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: "idempotency-key-reused", status: 422 });
    const otherAction = await post("set-db-pool-size", { size: 300 }, "k-diff");
    expect(otherAction.status).toBe(422);
    expect(effects("k-diff")).toBe(1);
    expect(manualFlows()).toBe(1);
    const client = createControlPlaneClient({ baseUrl: sim.url });
    const e = await client.act("run-flow", { repo: "docs-portal" }, { idempotencyKey: "k-diff" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ControlPlaneError);
    expect(e).toMatchObject({ kind: "refused", retryable: false });
    expect((e as Error).message).toMatch(/^Control plane refused the request: key k-diff was first used for a different request/);
  });

  it("a duplicate while the first is still being processed: 409 with Retry-After; the first then completes once", async () => {
    slowActions(300);
    const first = post("run-flow", { repo: "billing-api" }, "k-flight");
    while (sim.state.idempotency.get("k-flight")?.state !== "in-flight") await new Promise((r) => setTimeout(r, 5));
    const duplicate = await post("run-flow", { repo: "billing-api" }, "k-flight");
    expect(duplicate).toMatchObject({ status: 409, retryAfter: "1", body: { code: "request-in-flight" } });
    expect((await first).status).toBe(200);
    expect(effects("k-flight")).toBe(1);
    sim.state.faults.clear();
    expect(await post("run-flow", { repo: "billing-api" }, "k-flight")).toMatchObject({ status: 200, replayed: "true" });
  });

  it("replaying one key 10 times in sequence gives one effect and ten identical answers", async () => {
    const client = createControlPlaneClient({ baseUrl: sim.url });
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await client.act("run-flow", { repo: "checkout-web" }, { idempotencyKey: "k-seq" }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(effects("k-seq")).toBe(1);
    expect(manualFlows()).toBe(1);
  });

  it("10 concurrent requests with one key give one effect: one is processed, the others are told it is in flight", async () => {
    slowActions(600);
    const results = await Promise.all(Array.from({ length: 10 }, () => post("run-flow", { repo: "identity-service" }, "k-conc")));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    expect(effects("k-conc")).toBe(1);
  });

  it("10 concurrent client calls with one key, retrying on 409, all end with the same single result", async () => {
    slowActions(200);
    const client = createControlPlaneClient({ baseUrl: sim.url, maxAttempts: 5, backoff: { baseMs: 50, maxMs: 200 } });
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.act("run-flow", { repo: "mobile-gateway" }, { idempotencyKey: "k-conc-client" })));
    expect(new Set(answers.map((a) => a.result.flowId)).size).toBe(1);
    expect(effects("k-conc-client")).toBe(1);
    expect(manualFlows()).toBe(1);
  });

  it("a request that failed before its effect releases the key, so the retry is processed (once)", async () => {
    sim.state.faults.configure({ rules: [{ target: "actions", phase: "processing", kind: "error", status: 503, times: 1 }] });
    expect((await post("set-db-pool-size", { size: 320 }, "k-release")).status).toBe(503);
    expect(effects("k-release")).toBe(0);
    const retried = await post("set-db-pool-size", { size: 320 }, "k-release");
    expect(retried).toMatchObject({ status: 200, replayed: null });
    expect(effects("k-release")).toBe(1);
  });

  it("a response lost after the effect is replayed on retry, not applied again", async () => {
    sim.state.faults.configure({ rules: [{ target: "actions", phase: "after", kind: "drop", times: 1 }] });
    await expect(post("run-flow", { repo: "docs-portal" }, "k-lost")).rejects.toThrow();
    expect(effects("k-lost")).toBe(1);
    expect(await post("run-flow", { repo: "docs-portal" }, "k-lost")).toMatchObject({ status: 200, replayed: "true" });
    expect(effects("k-lost")).toBe(1);
    expect(manualFlows()).toBe(1);
  });

  it("requires the header", async () => {
    const res = await post("run-flow", { repo: "billing-api" });
    expect(res).toMatchObject({ status: 400, body: { code: "missing-idempotency-key" } });
    expect(manualFlows()).toBe(0);
  });

  it("stores an invalid request's answer under its key too", async () => {
    const bad = await post("scale-flowengine", { replicas: 50, hpaMin: 5, hpaMax: 20 }, "k-bad");
    expect(bad.status).toBe(400);
    expect(await post("scale-flowengine", { replicas: 50, hpaMin: 5, hpaMax: 20 }, "k-bad")).toMatchObject({ status: 400, replayed: "true" });
    expect((await post("scale-flowengine", { replicas: 10, hpaMin: 5, hpaMax: 20 }, "k-bad")).status).toBe(422);
    expect(effects("k-bad")).toBe(0);
  });
});
