import { describe, expect, it } from "vitest";
import type { Aggregates } from "../control-plane/contract";
import { evaluateSlo, failureTolerance, overP95Slo, providerDegraded, qualityGates } from "./slo";
import { failed, flow, providers } from "./test-fixtures";

const latency = (over: Partial<Aggregates["latency"]> = {}): Aggregates["latency"] => ({ flows: 40, p50Ms: 60_000, p95Ms: 100_000, timeoutsOver180s: 0, ...over });
const failures = (over: Partial<Aggregates["failures"]> = {}): Aggregates["failures"] => ({ perRepo: [], lastHour: { count: 0, repos: [] }, ...over });

describe("P95 SLO and hard timeout (RB-CORE-002)", () => {
  it("P95 exactly 120 s meets the SLO; 120.001 s violates it; no flows is no violation", () => {
    expect(overP95Slo(120_000)).toBe(false);
    expect(overP95Slo(120_001)).toBe(true);
    expect(overP95Slo(null)).toBe(false);
  });

  it("P95 over 120 s and flows cut at the 180 s hard timeout (counted by the control plane) offer RB-CORE-002", () => {
    const ok = evaluateSlo({ latency: latency({ p95Ms: 120_000 }), failures: failures(), providers: providers(), flows: [] });
    expect(ok.alerts).toEqual([]);
    const slow = evaluateSlo({ latency: latency({ p95Ms: 187_000, timeoutsOver180s: 1 }), failures: failures(), providers: providers(), flows: [] });
    expect(slow.overSlo).toBe(true);
    expect(slow.alerts.map((a) => [a.key, a.runbookId])).toEqual([
      ["slo.p95", "RB-CORE-002"],
      ["slo.timeouts", "RB-CORE-002"],
    ]);
    expect(slow.alerts[0].message).toBe("P95 flow duration is 187 s, over the 120 s SLO.");
    expect(slow.alerts[1].message).toBe("1 flow hit the 180 s hard timeout.");
  });
});

describe("provider failure tolerance (RB-CORE-004)", () => {
  it("0 → operational, 1 → operational with failover, 2 → degraded, 3 → offline", () => {
    expect([0, 1, 2, 3].map(failureTolerance)).toEqual(["operational", "operational-with-failover", "degraded", "offline"]);
  });

  it("one provider down: operational with failover, offers RB-CORE-004 (warning)", () => {
    const s = evaluateSlo({ latency: latency(), failures: failures(), providers: providers({ anthropic: { status: "down", latencyMs: null, errorRate: 1 } }), flows: [] });
    expect(s.providersDown).toBe(1);
    expect(s.toleranceLabel).toBe("operational with failover");
    expect(s.alerts).toEqual([
      { key: "slo.providers-down", severity: "warning", message: "Anthropic is down: the orchestrator is operational with failover.", runbookId: "RB-CORE-004" },
    ]);
  });

  it("two down: degraded (critical); three: offline", () => {
    const down = { status: "down" as const, latencyMs: null, errorRate: 1 };
    const two = evaluateSlo({ latency: latency(), failures: failures(), providers: providers({ anthropic: down, openai: down }), flows: [] });
    expect(two.toleranceLabel).toBe("degraded");
    expect(two.alerts[0]).toMatchObject({ severity: "critical", message: "Anthropic and OpenAI are down: the orchestrator is degraded.", runbookId: "RB-CORE-004" });
    const three = evaluateSlo({ latency: latency(), failures: failures(), providers: providers({ anthropic: down, openai: down, google: down }), flows: [] });
    expect(three.toleranceLabel).toBe("offline");
  });

  it("degraded at latency over 60 s or error rate over 10 % (exactly at either is not)", () => {
    expect(providerDegraded({ status: "up", latencyMs: 60_000, errorRate: 0.1 })).toBe(false);
    expect(providerDegraded({ status: "up", latencyMs: 60_001, errorRate: 0 })).toBe(true);
    expect(providerDegraded({ status: "up", latencyMs: 500, errorRate: 0.11 })).toBe(true);
    expect(providerDegraded({ status: "degraded", latencyMs: 500, errorRate: 0 })).toBe(true);
    expect(providerDegraded({ status: "down", latencyMs: null, errorRate: 1 })).toBe(false);
    const s = evaluateSlo({ latency: latency(), failures: failures(), providers: providers({ openai: { errorRate: 0.35 } }), flows: [] });
    expect(s.tolerance).toBe("operational");
    expect(s.alerts).toEqual([expect.objectContaining({ key: "slo.provider-degraded.openai", runbookId: "RB-CORE-004" })]);
  });
});

describe("failures, mass failure and quality gates", () => {
  it("marks repos over 50 % and offers RB-LAUNCH-005 on a mass failure", () => {
    const perRepo = ["a", "b", "c"].map((repo) => ({ repo, flows: 4, failed: 3, failureRate: 0.75 }));
    const s = evaluateSlo({ latency: latency(), failures: failures({ perRepo, lastHour: { count: 5, repos: ["a", "b", "c"] } }), providers: providers(), flows: [] });
    expect(s.failureRates.every((r) => r.over)).toBe(true);
    expect(s.massFailure.massFailure).toBe(true);
    expect(s.alerts).toEqual([expect.objectContaining({ key: "slo.mass-failure", severity: "critical", runbookId: "RB-LAUNCH-005" })]);
  });

  it("4 failures in the hour and repos at 50 %: no mass failure", () => {
    const perRepo = ["a", "b", "c"].map((repo) => ({ repo, flows: 4, failed: 2, failureRate: 0.5 }));
    const s = evaluateSlo({ latency: latency(), failures: failures({ perRepo, lastHour: { count: 4, repos: ["a", "b"] } }), providers: providers(), flows: [] });
    expect(s.failureRates.some((r) => r.over)).toBe(false);
    expect(s.alerts).toEqual([]);
  });

  it("quality gates: share of finished flows at 5/5 (4/5 does not count; running flows are left out)", () => {
    const q = qualityGates([flow(), flow(), flow({ qualityGatesPassed: 4 }), failed("x"), flow({ status: "running", finishedAt: null, qualityGatesPassed: 0 })]);
    expect(q).toEqual({ finished: 4, allPassed: 2, rate: 0.5 });
    expect(qualityGates([]).rate).toBeNull();
  });
});
