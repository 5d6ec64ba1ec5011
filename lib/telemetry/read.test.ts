import { describe, expect, it } from "vitest";
import { SimulatorModel } from "@/simulator/model";
import type { TelemetryCache, TelemetryRead } from "../control-plane/telemetry";
import { createPanelsReader } from "./read";

const snapshot = () => new SimulatorModel({ seed: 7, startAt: "2025-11-20T10:00:00Z" }).snapshot();

function fakeCache(initial: TelemetryRead): { cache: TelemetryCache; set(r: TelemetryRead): void; reads: () => number } {
  let current = initial;
  let reads = 0;
  return {
    cache: {
      read: async () => {
        reads++;
        return current;
      },
      invalidate: () => {},
    },
    set: (r) => (current = r),
    reads: () => reads,
  };
}

describe("createPanelsReader", () => {
  it("while the cache refreshes from the control plane, other viewers get the last snapshot at once", async () => {
    let current: TelemetryRead = { data: snapshot(), fetchedAt: new Date("2025-11-20T10:00:01Z"), stale: false, error: null };
    let release: (() => void) | null = null;
    let hold = false;
    let calls = 0;
    const cache: TelemetryCache = {
      read: () => {
        calls++;
        return hold ? new Promise<TelemetryRead>((r) => (release = () => r(current))) : Promise.resolve(current);
      },
      invalidate: () => {},
    };
    const reader = createPanelsReader(() => cache);
    const before = await reader.read();
    hold = true;
    const refreshing = reader.read();
    const meanwhile = await Promise.all([reader.read(), reader.read()]);
    expect(meanwhile.every((r) => r === before)).toBe(true);
    expect(calls).toBe(2);
    current = { data: snapshot(), fetchedAt: new Date("2025-11-20T10:00:03Z"), stale: false, error: null };
    hold = false;
    release!();
    expect((await refreshing).body.fetchedAt).toBe("2025-11-20T10:00:03.000Z");
    expect((await reader.read()).body.fetchedAt).toBe("2025-11-20T10:00:03.000Z");
  });

  it("evaluates and serialises once per snapshot, however many viewers read it", async () => {
    const data = snapshot();
    const fake = fakeCache({ data, fetchedAt: new Date("2025-11-20T10:00:01Z"), stale: false, error: null });
    const reader = createPanelsReader(() => fake.cache);
    const results = await Promise.all(Array.from({ length: 200 }, () => reader.read()));
    // 200 at once share one read of the cache; later ones each ask it (it decides when to go upstream).
    expect(fake.reads()).toBe(1);
    for (let i = 0; i < 3; i++) expect((await reader.read()).json).toBe(results[0].json);
    expect(fake.reads()).toBe(4);
    expect(new Set(results.map((r) => r.json)).size).toBe(1);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    expect(results[0].body).toMatchObject({ fetchedAt: "2025-11-20T10:00:01.000Z", stale: false, error: null });
    expect(JSON.parse(results[0].json).model.phase).toBe("phase6");

    fake.set({ data: snapshot(), fetchedAt: new Date("2025-11-20T10:00:03Z"), stale: false, error: null });
    const next = await reader.read();
    expect(next.body).not.toBe(results[0].body);
    expect(next.body.fetchedAt).toBe("2025-11-20T10:00:03.000Z");
  });

  it("passes on a stale snapshot with its error, so the panels can say so", async () => {
    const data = snapshot();
    const fake = fakeCache({ data, fetchedAt: new Date("2025-11-20T10:00:01Z"), stale: false, error: null });
    const reader = createPanelsReader(() => fake.cache);
    await reader.read();
    fake.set({ data, fetchedAt: new Date("2025-11-20T10:00:01Z"), stale: true, error: "Control plane unreachable at http://127.0.0.1:9 (connection refused)" });
    const stale = await reader.read();
    expect(stale.body.stale).toBe(true);
    expect(stale.body.error).toContain("unreachable");
    expect(stale.body.model).not.toBeNull();
  });

  it("before any snapshot, or when the control plane is not configured, answers no model and the reason", async () => {
    const none = createPanelsReader(() => fakeCache({ data: null, fetchedAt: null, stale: false, error: "Control plane at … did not answer within 5 s" }).cache);
    expect((await none.read()).body).toEqual({ model: null, fetchedAt: null, stale: false, error: "Control plane at … did not answer within 5 s" });
    const unconfigured = createPanelsReader(() => {
      throw new Error("CONTROL_PLANE_URL is not set");
    });
    expect((await unconfigured.read()).body).toEqual({ model: null, fetchedAt: null, stale: false, error: "CONTROL_PLANE_URL is not set" });
  });
});
