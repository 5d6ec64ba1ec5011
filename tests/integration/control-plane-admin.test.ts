/** The simulator's admin API (drills and tests): scenarios, faults, clock, effects, reset. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 8, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim.stop();
});

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("simulator admin API", () => {
  it("injects provider outages of 1, 2 and 3 providers and clears them", async () => {
    const cp = createControlPlaneClient({ baseUrl: sim.url });
    for (const [count, status] of [[1, "operational"], [2, "degraded"], [3, "offline"]] as const) {
      expect((await admin("POST", "/admin/scenario", { scenario: "provider-outage", count })).status).toBe(200);
      expect((await cp.providers()).orchestrator).toBe(status);
    }
    expect((await admin("POST", "/admin/scenario", { scenario: "clear" })).body).toEqual({ active: [] });
    expect((await cp.providers()).orchestrator).toBe("operational");
  });

  it("lists active scenarios and refuses unknown ones", async () => {
    await admin("POST", "/admin/scenario", { scenario: "leaked-api-key", provider: "google" });
    const list = await admin("GET", "/admin/scenario");
    expect(list.body.active).toEqual([expect.objectContaining({ scenario: "leaked-api-key", detail: expect.objectContaining({ provider: "google" }) })]);
    expect((list.body.available as string[]).length).toBe(8);
    expect((await admin("POST", "/admin/scenario", { scenario: "meteor-strike" })).status).toBe(400);
    await admin("DELETE", "/admin/scenario");
  });

  it("advances the clock on request and can change speed", async () => {
    const before = Date.parse((await admin("GET", "/admin/clock")).body.clock as string);
    const after = await admin("POST", "/admin/clock", { advanceMs: 3_600_000 });
    expect(Date.parse(after.body.clock as string) - before).toBe(3_600_000);
    expect((await admin("POST", "/admin/clock", { speed: 60 })).body.speed).toBe(60);
    await new Promise((r) => setTimeout(r, 200));
    const moved = Date.parse((await admin("GET", "/admin/clock")).body.clock as string);
    expect(moved - Date.parse(after.body.clock as string)).toBeGreaterThanOrEqual(60 * 150);
    await admin("POST", "/admin/clock", { speed: 0 });
  });

  it("validates fault rules and reports their hits", async () => {
    expect((await admin("POST", "/admin/faults", { rules: [{ kind: "explode" }] })).status).toBe(400);
    await admin("POST", "/admin/faults", { rules: [{ target: "telemetry", kind: "error", status: 502, times: 1 }] });
    expect((await fetch(`${sim.url}/v1/settings`)).status).toBe(502);
    expect((await fetch(`${sim.url}/v1/settings`)).status).toBe(200);
    expect((await admin("GET", "/admin/faults")).body.rules).toEqual([expect.objectContaining({ kind: "error", hits: 1 })]);
    await admin("DELETE", "/admin/faults");
  });

  it("counts effects per idempotency key and resets everything", async () => {
    const cp = createControlPlaneClient({ baseUrl: sim.url });
    await cp.act("set-db-pool-size", { size: 333 }, { idempotencyKey: "admin-1" });
    await cp.act("set-db-pool-size", { size: 333 }, { idempotencyKey: "admin-1" });
    expect((await admin("GET", "/admin/effects")).body).toEqual({ total: 1, byKey: { "admin-1": 1 }, byAction: { "set-db-pool-size": 1 }, duplicates: [] });
    expect((await admin("GET", "/admin/state")).body).toMatchObject({ seed: 8, idempotencyKeys: 1 });
    await admin("POST", "/admin/reset");
    expect((await admin("GET", "/admin/effects")).body.total).toBe(0);
    expect((await cp.capacity()).dbPool.size).toBe(200);
    expect((await admin("GET", "/admin/clock")).body.clock).toBe("2025-11-20T10:00:00.000Z");
  });

  it("binds to loopback only", async () => {
    await expect(startSimulator({ host: "0.0.0.0" })).rejects.toThrow(/loopback only/);
  });
});
