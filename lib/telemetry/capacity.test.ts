import { describe, expect, it } from "vitest";
import type { Capacity } from "../control-plane/contract";
import { cpuOverTrigger, evaluateCapacity, hpaMeetsTarget } from "./capacity";
import { CAPACITY_TARGETS } from "./thresholds";
import { AT } from "./test-fixtures";

function capacity(fe: Partial<Capacity["flowEngine"]> = {}, pool: Partial<Capacity["dbPool"]> = {}): Capacity {
  return {
    at: AT,
    flowEngine: { replicas: 5, hpaMin: 5, hpaMax: 20, cpuPercent: 30, runningFlows: 2, queuedFlows: 0, ...fe },
    dbPool: { inUse: 24, size: 200, ...pool },
  };
}

describe("capacity (RB-LAUNCH-003)", () => {
  it("targets: pilot 3 fixed / pool 100; Phase 6 5–20 HPA / 200; Phase 7 10–50 HPA / 500", () => {
    expect(CAPACITY_TARGETS.pilot).toMatchObject({ replicas: { min: 3, max: 3 }, hpa: false, dbPool: 100 });
    expect(CAPACITY_TARGETS.phase6).toMatchObject({ replicas: { min: 5, max: 20 }, hpa: true, dbPool: 200 });
    expect(CAPACITY_TARGETS.phase7).toMatchObject({ replicas: { min: 10, max: 50 }, hpa: true, dbPool: 500 });
  });

  it("CPU exactly 85 % is not a trigger; 85.1 % is", () => {
    expect(cpuOverTrigger(85)).toBe(false);
    expect(cpuOverTrigger(85.1)).toBe(true);
    expect(evaluateCapacity({ phase: "phase6", capacity: capacity({ cpuPercent: 85 }) }).alerts).toEqual([]);
    const hot = evaluateCapacity({ phase: "phase6", capacity: capacity({ cpuPercent: 93 }) });
    expect(hot.alerts).toEqual([expect.objectContaining({ key: "capacity.cpu", runbookId: "RB-LAUNCH-003" })]);
    expect(hot.alerts[0].message).toBe("FlowEngine CPU is 93 %, over 85 % (5 replicas, HPA 5–20).");
  });

  it("Phase 6 footprint meets Phase 6 and the pilot, not Phase 7", () => {
    const fe = { hpaMin: 5, hpaMax: 20 };
    expect(hpaMeetsTarget(fe, CAPACITY_TARGETS.phase6)).toBe(true);
    expect(hpaMeetsTarget(fe, CAPACITY_TARGETS.pilot)).toBe(true);
    expect(hpaMeetsTarget(fe, CAPACITY_TARGETS.phase7)).toBe(false);
    const p7 = evaluateCapacity({ phase: "phase7", capacity: capacity() });
    expect(p7.alerts.map((a) => a.key)).toEqual(["capacity.hpa", "capacity.db-pool-size"]);
    expect(p7.alerts[0].message).toBe("FlowEngine HPA 5–20 is below the Phase 7 target of 10–50 replicas.");
    expect(p7.alerts[1].message).toBe("The DB pool holds 200 connections, below the Phase 7 target of 500.");
  });

  it("pilot: 3 fixed replicas and a pool of 100 meet it exactly", () => {
    const pilot = evaluateCapacity({ phase: "pilot", capacity: capacity({ replicas: 3, hpaMin: 3, hpaMax: 3 }, { size: 100, inUse: 20 }) });
    expect(pilot.alerts).toEqual([]);
    expect(pilot.dbPool).toMatchObject({ usePercent: 20, target: 100, sizeMeetsTarget: true, exhausted: false });
  });

  it("a pool in full use is exhausted (critical); one connection free is not", () => {
    expect(evaluateCapacity({ phase: "phase6", capacity: capacity({}, { inUse: 199 }) }).dbPool.exhausted).toBe(false);
    const full = evaluateCapacity({ phase: "phase6", capacity: capacity({}, { inUse: 260 }) });
    expect(full.dbPool).toMatchObject({ exhausted: true, usePercent: 130 });
    expect(full.alerts).toEqual([expect.objectContaining({ key: "capacity.db-pool-exhausted", severity: "critical", runbookId: "RB-LAUNCH-003" })]);
  });
});
