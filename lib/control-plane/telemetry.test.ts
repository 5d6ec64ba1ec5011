import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { createControlPlaneClient } from "./client";
import { createTelemetryCache } from "./telemetry";

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 5, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim.stop();
});

const ROUTE = "GET /v1/telemetry";

describe("shared telemetry cache", () => {
  it("serves 50 concurrent viewers from one upstream request, then from cache until the TTL passes", async () => {
    let clock = 0;
    const cache = createTelemetryCache({ client: createControlPlaneClient({ baseUrl: sim.url }), ttlMs: 2_000, now: () => clock });
    const before = sim.state.count(ROUTE);
    const reads = await Promise.all(Array.from({ length: 50 }, () => cache.read()));
    expect(sim.state.count(ROUTE) - before).toBe(1);
    expect(reads.every((r) => r.data !== null && r.stale === false && r.error === null)).toBe(true);
    expect(new Set(reads.map((r) => r.data?.at)).size).toBe(1);
    clock = 1_999;
    await cache.read();
    expect(sim.state.count(ROUTE) - before).toBe(1);
    clock = 2_000;
    await Promise.all([cache.read(), cache.read()]);
    expect(sim.state.count(ROUTE) - before).toBe(2);
    cache.invalidate();
    await cache.read();
    expect(sim.state.count(ROUTE) - before).toBe(3);
  });

  it("keeps the last snapshot, marked stale with the error, while the control plane fails; recovers after", async () => {
    let clock = 0;
    const cache = createTelemetryCache({ client: createControlPlaneClient({ baseUrl: sim.url }), ttlMs: 1_000, now: () => clock });
    const good = await cache.read();
    expect(good.stale).toBe(false);
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "error", status: 503 }] });
    clock = 5_000;
    const bad = await cache.read();
    expect(bad.data?.at).toBe(good.data?.at);
    expect(bad.stale).toBe(true);
    expect(bad.error).toBe("Control plane error 503: injected fault: HTTP 503");
    const before = sim.state.count(ROUTE);
    clock = 5_500;
    expect((await cache.read()).stale).toBe(true);
    expect(sim.state.count(ROUTE)).toBe(before);
    sim.state.faults.clear();
    clock = 7_000;
    expect(await cache.read()).toMatchObject({ stale: false, error: null });
  });

  it("has no data and an error when the control plane never answered", async () => {
    const down = await startSimulator({ speed: 0 });
    await down.stop();
    const cache = createTelemetryCache({ client: createControlPlaneClient({ baseUrl: down.url }) });
    expect(await cache.read()).toMatchObject({ data: null, fetchedAt: null, stale: false, error: "Control plane unreachable (connection refused)" });
  });
});
