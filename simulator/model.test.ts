// Tests of the simulator's model (simulator/model.ts); they import the model directly, with no HTTP.
import { describe, expect, it } from "vitest";
import { PRUNING_FACTOR, baseDurationSeconds } from "@/simulator/catalog";
import { SimulatorModel } from "@/simulator/model";
import { parseActionParams } from "@/lib/control-plane/contract";

const START = "2025-11-20T10:00:00Z";
const MINUTE = 60_000;
const model = (opts: ConstructorParameters<typeof SimulatorModel>[0] = {}) => new SimulatorModel({ seed: 7, startAt: START, ...opts });

function runFlow(m: SimulatorModel, repo: string) {
  const r = m.apply("run-flow", parseActionParams("run-flow", { repo }));
  if (!r.ok) throw new Error(r.detail);
  return r.result.flowId;
}

function finish(m: SimulatorModel, flowId: string) {
  for (let i = 0; i < 10 && m.getFlow(flowId)?.status === "running"; i++) m.tick(MINUTE);
  const flow = m.getFlow(flowId);
  if (!flow || flow.status === "running") throw new Error(`flow ${flowId} did not finish`);
  return flow;
}

describe("duration and context pruning (seed: 245KB → 165KB, 187 s → 98 s)", () => {
  it("goes through the seed's two points and puts bundles over 200 KB past 120 s", () => {
    expect(baseDurationSeconds(245)).toBeCloseTo(187, 6);
    expect(baseDurationSeconds(165)).toBeCloseTo(98, 6);
    expect(Math.round(245 * PRUNING_FACTOR)).toBe(165);
    expect(baseDurationSeconds(200)).toBeGreaterThan(120);
    expect(baseDurationSeconds(150)).toBeLessThan(120);
  });

  it("cuts a repo's bundles by about a third and roughly halves its flows' duration", () => {
    const plain = model({ warmUpHours: 0 });
    const pruned = model({ warmUpHours: 0 });
    expect(pruned.apply("set-context-pruning", parseActionParams("set-context-pruning", { scope: "repo", repo: "reporting-etl", enabled: true })).ok).toBe(true);
    const pairs: [number, number, number, number][] = [];
    for (let i = 0; i < 20; i++) {
      // Same seed, same calls, same clock: each pair draws the same jitter and differs only by pruning.
      const a = runFlow(plain, "reporting-etl");
      const b = runFlow(pruned, "reporting-etl");
      plain.tick(4 * MINUTE);
      pruned.tick(4 * MINUTE);
      const fa = plain.getFlow(a)!;
      const fb = pruned.getFlow(b)!;
      expect(fb.pruned).toBe(true);
      if (fa.errorType === null && fb.errorType === null) pairs.push([fa.contextKb, fb.contextKb, fa.durationMs, fb.durationMs]);
    }
    expect(pairs.length).toBeGreaterThan(15);
    for (const [kbA, kbB, msA, msB] of pairs) {
      expect(kbB / kbA).toBeGreaterThan(0.64);
      expect(kbB / kbA).toBeLessThan(0.7);
      expect(msB / msA).toBeGreaterThan(0.45);
      expect(msB / msA).toBeLessThan(0.6);
      expect(msB).toBeLessThan(120_000);
    }
  });

  it("times out unpruned 245 KB bundles at 180 s and stops timing out once pruning is on", () => {
    const m = model({ warmUpHours: 0 });
    m.injectScenario({ scenario: "large-context-timeouts", repos: ["docs-portal"] });
    const before = Array.from({ length: 12 }, () => finish(m, runFlow(m, "docs-portal")));
    expect(before.some((f) => f.errorType === "timeout" && f.durationMs === 180_000)).toBe(true);
    expect(Math.min(...before.map((f) => f.contextKb))).toBeGreaterThan(200);
    m.apply("set-context-pruning", parseActionParams("set-context-pruning", { scope: "global", enabled: true }));
    const after = Array.from({ length: 12 }, () => finish(m, runFlow(m, "docs-portal")));
    expect(after.filter((f) => f.errorType === "timeout")).toEqual([]);
    expect(Math.max(...after.map((f) => f.contextKb))).toBeLessThan(200);
  });
});

describe("provider failure tolerance", () => {
  it.each([
    [0, "operational"],
    [1, "operational"],
    [2, "degraded"],
    [3, "offline"],
  ] as const)("%i provider(s) down → %s", (count, expected) => {
    const m = model();
    if (count > 0) m.injectScenario({ scenario: "provider-outage", count });
    const health = m.providerHealth();
    expect(health.orchestrator).toBe(expected);
    expect(health.providersDown).toBe(count);
    expect(health.providers.filter((p) => p.status === "down")).toHaveLength(count);
  });

  it("fails over automatically when one provider is down: no new flow goes to it and flows keep succeeding", () => {
    const m = model();
    m.injectScenario({ scenario: "provider-outage", providers: ["anthropic"] });
    expect(m.providerHealth().providers.find((p) => p.provider === "anthropic")?.trafficShare).toBe(0);
    const flows = Array.from({ length: 15 }, () => finish(m, runFlow(m, "checkout-web")));
    expect(flows.filter((f) => f.provider === "anthropic")).toEqual([]);
    expect(flows.filter((f) => f.status === "succeeded").length).toBeGreaterThan(10);
  });

  it("fails every flow with 5xx when all three are down, and recovers when cleared", () => {
    const m = model();
    m.injectScenario({ scenario: "provider-outage", count: 3 });
    const f = finish(m, runFlow(m, "billing-api"));
    expect(f).toMatchObject({ status: "failed", errorType: "5xx" });
    m.clearScenarios();
    expect(m.providerHealth().orchestrator).toBe("operational");
  });
});

describe("quota circuit breaker", () => {
  it("opens a provider's breaker at 85 % of its daily quota and routes new flows elsewhere", () => {
    const m = model({ phase: "pilot" });
    m.injectScenario({ scenario: "leaked-api-key", provider: "openai" });
    const usage = () => m.aggregates().tokens.find((t) => t.provider === "openai")!;
    const breaker = () => m.providerHealth().providers.find((p) => p.provider === "openai")!.breaker;
    expect(usage().dailyQuota).toBe(400_000);
    let previous = usage().usedPercent;
    for (let i = 0; i < 60 && breaker() === "closed"; i++) {
      previous = usage().usedPercent;
      m.tick(MINUTE);
    }
    expect(breaker()).toBe("open");
    expect(usage().usedPercent).toBeGreaterThanOrEqual(85);
    expect(previous).toBeLessThan(85);
    expect(m.settings().breakers.providers.find((p) => p.provider === "openai")).toMatchObject({ state: "open", reason: "quota" });
    expect(m.providerHealth().providers.find((p) => p.provider === "openai")?.trafficShare).toBe(0);
  });

  it("uses the seed's quotas per phase", () => {
    const quotas = (phase: "pilot" | "phase6" | "phase7") => Object.fromEntries(model({ phase }).settings().quotas.map((q) => [q.provider, q.dailyTokens]));
    expect(quotas("pilot")).toEqual({ anthropic: 500_000, openai: 400_000, google: 250_000 });
    expect(quotas("phase6")).toEqual({ anthropic: 2_000_000, openai: 1_500_000, google: 1_000_000 });
    expect(quotas("phase7")).toEqual({ anthropic: 10_000_000, openai: 7_500_000, google: 5_000_000 });
  });
});

describe("actions change what the orchestrator does next", () => {
  it("after a rollback to the pilot only compliance-service starts flows", () => {
    const m = model();
    const r = m.apply("rollback-to-pilot", parseActionParams("rollback-to-pilot", {}));
    expect(r.ok && r.result.allowlist.map((e) => e.repo)).toEqual(["compliance-service"]);
    const t = Date.parse(START);
    m.tick(12 * 60 * MINUTE);
    const started = m.listFlows({ limit: 1000 }).filter((f) => Date.parse(f.startedAt) > t + 10 * MINUTE);
    expect(started.length).toBeGreaterThan(0);
    expect(new Set(started.map((f) => f.repo))).toEqual(new Set(["compliance-service"]));
    expect(m.apply("run-flow", parseActionParams("run-flow", { repo: "billing-api" }))).toMatchObject({ ok: false, status: 422 });
  });

  it("a daily cap throttle stops a runaway repo's spend near the cap", () => {
    const m = model({ startAt: "2025-11-20T01:00:00Z" });
    m.injectScenario({ scenario: "cost-runaway", repo: "reporting-etl" });
    m.apply("throttle-repo", parseActionParams("throttle-repo", { repos: ["reporting-etl"], dailyCapUsd: 30 }));
    m.tick(6 * 60 * MINUTE);
    const spend = m.aggregates().spend.perRepoToday.find((r) => r.repo === "reporting-etl")!.usd;
    expect(spend).toBeGreaterThanOrEqual(30);
    expect(spend).toBeLessThan(40);
    expect(m.capacity().flowEngine.queuedFlows).toBeGreaterThan(0);
  });

  it("routing the context stage to Google makes flows' context provider Google", () => {
    const m = model();
    m.apply("set-routing-weights", parseActionParams("set-routing-weights", { stage: "context", weights: { anthropic: 0, openai: 0, google: 100 } }));
    const flows = Array.from({ length: 8 }, () => m.getFlow(runFlow(m, "billing-api"))!);
    expect(new Set(flows.map((f) => f.contextProvider))).toEqual(new Set(["google"]));
    expect(flows.some((f) => f.provider !== "google")).toBe(true);
  });

  it("reports no change when already in the requested state", () => {
    const m = model();
    const first = m.apply("set-db-pool-size", parseActionParams("set-db-pool-size", { size: 500 }));
    const second = m.apply("set-db-pool-size", parseActionParams("set-db-pool-size", { size: 500 }));
    expect(first).toMatchObject({ ok: true, status: "applied" });
    expect(second).toMatchObject({ ok: true, status: "no-change" });
  });
});

describe("determinism", () => {
  it("gives the same telemetry for the same seed and calls, and different flows for another seed", () => {
    const run = (seed: number) => {
      const m = new SimulatorModel({ seed, startAt: START });
      m.tick(3 * 60 * MINUTE);
      return m.snapshot();
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11).flows.map((f) => f.id)).not.toEqual(run(12).flows.map((f) => f.id));
  });

  it("starts with a populated, healthy Phase 6 day", () => {
    const snap = model().snapshot();
    expect(snap.settings.allowlist).toHaveLength(10);
    expect(snap.aggregates.spend.perDay).toHaveLength(30);
    expect(snap.aggregates.latency.flows).toBeGreaterThan(10);
    expect(snap.aggregates.latency.p95Ms!).toBeLessThan(120_000);
    expect(snap.aggregates.spend.todayUsd).toBeLessThan(50);
  });
});

describe("scenarios for drills", () => {
  const HOUR = 60 * MINUTE;

  it("rate-limit storm: the provider goes past 85 %, its breaker opens, its flows fail with 429 and traffic moves", () => {
    const m = model();
    m.injectScenario({ scenario: "rate-limit-storm", provider: "openai" });
    const openai = () => m.providerHealth().providers.find((p) => p.provider === "openai")!;
    expect(openai()).toMatchObject({ status: "degraded", breaker: "open", trafficShare: 0 });
    expect(m.aggregates().tokens.find((t) => t.provider === "openai")!.usedPercent).toBeGreaterThanOrEqual(85);
    m.tick(HOUR);
    expect(m.listFlows({ limit: 200 }).filter((f) => Date.parse(f.startedAt) > Date.parse(START)).every((f) => f.provider !== "openai")).toBe(true);
  });

  it("cost runaway: one repo passes $5/day and the day heads past the $50 soft limit", () => {
    const m = model({ startAt: "2025-11-20T08:00:00Z" });
    m.injectScenario({ scenario: "cost-runaway", repo: "reporting-etl" });
    m.tick(3 * HOUR);
    const agg = m.aggregates();
    expect(agg.spend.perRepoToday[0]).toMatchObject({ repo: "reporting-etl" });
    expect(agg.spend.perRepoToday[0].usd).toBeGreaterThan(5);
    expect(agg.spend.todayUsd).toBeGreaterThan(50);
  });

  it("mass failure: five or more failures within the hour, across three or more repos", () => {
    const m = model();
    m.injectScenario({ scenario: "mass-failure" });
    m.tick(30 * MINUTE);
    const agg = m.aggregates("1h");
    expect(agg.failures.lastHour.count).toBeGreaterThanOrEqual(5);
    expect(agg.failures.lastHour.repos.length).toBeGreaterThanOrEqual(3);
  });

  it("schema-breaking deployment: flows fail validation with gates below 5/5", () => {
    const m = model();
    m.injectScenario({ scenario: "schema-breaking-deployment" });
    m.tick(20 * MINUTE);
    const failed = m.listFlows({ limit: 100, status: "failed" }).filter((f) => Date.parse(f.startedAt) >= Date.parse(START));
    expect(failed.filter((f) => f.errorType === "validation").length).toBeGreaterThanOrEqual(3);
    expect(failed.every((f) => f.qualityGatesPassed < 5)).toBe(true);
  });

  it("DB pool exhaustion: the pool is saturated until it is enlarged", () => {
    const m = model();
    m.injectScenario({ scenario: "db-pool-exhaustion" });
    expect(m.capacity().dbPool).toEqual({ inUse: 200, size: 200 });
    m.apply("set-db-pool-size", parseActionParams("set-db-pool-size", { size: 500 }));
    expect(m.capacity().dbPool.inUse).toBeLessThan(500);
  });

  it("leaked API key: unexplained usage climbs until the key is rotated with the old one revoked", () => {
    const m = model();
    m.injectScenario({ scenario: "leaked-api-key", provider: "anthropic" });
    const used = () => m.aggregates().tokens.find((t) => t.provider === "anthropic")!.usedToday;
    const spendUnattributed = () => m.aggregates().spend.perRepoToday.find((r) => r.repo === "(unattributed)")?.usd ?? 0;
    m.tick(30 * MINUTE);
    expect(spendUnattributed()).toBeGreaterThan(0);
    const keep = m.apply("rotate-api-key", parseActionParams("rotate-api-key", { providers: ["anthropic"], revokePrevious: false }));
    expect(keep.ok).toBe(true);
    expect(m.activeScenarios().map((s) => s.scenario)).toContain("leaked-api-key");
    m.apply("rotate-api-key", parseActionParams("rotate-api-key", { providers: ["anthropic"] }));
    expect(m.activeScenarios()).toEqual([]);
    const after = spendUnattributed();
    const usedAfter = used();
    m.tick(30 * MINUTE);
    expect(spendUnattributed()).toBe(after);
    expect(used() - usedAfter).toBeLessThan(200_000);
  });

  it("clear ends every scenario", () => {
    const m = model();
    for (const scenario of ["provider-outage", "rate-limit-storm", "cost-runaway", "large-context-timeouts", "mass-failure", "schema-breaking-deployment", "db-pool-exhaustion", "leaked-api-key"] as const) {
      m.injectScenario({ scenario });
    }
    expect(m.activeScenarios()).toHaveLength(8);
    m.clearScenarios();
    expect(m.activeScenarios()).toEqual([]);
    expect(m.providerHealth().providers.every((p) => p.status === "up")).toBe(true);
  });
});
