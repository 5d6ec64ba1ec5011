import { describe, expect, it } from "vitest";
import { SimulatorModel, type ScenarioInput } from "@/simulator/model";
import { buildPanels } from "./panels";

// End to end through the simulator's deterministic model: a snapshot as the control plane serves it, into the model.
const START = "2025-11-20T10:00:00Z";

function panelsAfter(scenario: ScenarioInput | null, minutes = 60) {
  const m = new SimulatorModel({ seed: 7, startAt: START });
  if (scenario) m.injectScenario(scenario);
  for (let i = 0; i < minutes; i++) m.tick(60_000);
  return buildPanels(m.snapshot());
}

const offered = (p: ReturnType<typeof buildPanels>) => p.offers.map((o) => o.runbookId);

describe("buildPanels on the simulator's telemetry", () => {
  it("a healthy Phase 6 day crosses nothing and offers no runbook", () => {
    const p = panelsAfter(null, 0);
    expect(p.phaseLabel).toBe("Phase 6");
    expect(p.alerts).toEqual([]);
    expect(p.budget).toMatchObject({ level: "monitor", limits: { targetUsd: 35, softUsd: 50, hardUsd: 75 } });
    expect(p.budget.perDay).toHaveLength(30);
    expect(p.quota.rows.map((r) => r.dailyQuota)).toEqual([2_000_000, 1_500_000, 1_000_000]);
    expect(p.slo.toleranceLabel).toBe("operational");
    expect(p.capacity.target.dbPool).toBe(200);
    // The default routing sends 80 % of the context stage away from Gemini: a cost driver, not a threshold.
    expect(p.budget.costDrivers.find((d) => d.id === "routing")?.detected).toBe(true);
  });

  it("one provider down: operational with failover, RB-CORE-004 offered; two: degraded", () => {
    const one = panelsAfter({ scenario: "provider-outage", count: 1 }, 1);
    expect(one.slo.providers.find((x) => x.provider === "anthropic")?.status).toBe("down");
    expect(one.slo.toleranceLabel).toBe("operational with failover");
    expect(offered(one)).toContain("RB-CORE-004");
    const two = panelsAfter({ scenario: "provider-outage", count: 2 }, 1);
    expect(two.slo.toleranceLabel).toBe("degraded");
    expect(two.offers[0]).toMatchObject({ runbookId: "RB-CORE-004", severity: "critical" });
  });

  it("a cost runaway puts the repo over $5/day and offers RB-LAUNCH-004", () => {
    const p = panelsAfter({ scenario: "cost-runaway", repo: "reporting-etl" });
    expect(p.budget.repos.find((r) => r.repo === "reporting-etl")?.over).toBe(true);
    expect(offered(p)).toContain("RB-LAUNCH-004");
  });

  it("a rate-limit storm trips OpenAI's 85 % breaker and offers RB-CORE-003", () => {
    const p = panelsAfter({ scenario: "rate-limit-storm", provider: "openai" });
    expect(p.quota.rows.find((r) => r.provider === "openai")?.atBreaker).toBe(true);
    expect(offered(p)).toContain("RB-CORE-003");
  });

  it("a mass failure offers RB-LAUNCH-005; large contexts offer RB-CORE-002; pool exhaustion RB-LAUNCH-003", () => {
    expect(offered(panelsAfter({ scenario: "mass-failure" }))).toContain("RB-LAUNCH-005");
    expect(offered(panelsAfter({ scenario: "large-context-timeouts" }))).toContain("RB-CORE-002");
    expect(offered(panelsAfter({ scenario: "db-pool-exhaustion" }))).toContain("RB-LAUNCH-003");
  });

  it("offers each runbook once, with every reason, most severe first", () => {
    const p = panelsAfter({ scenario: "cost-runaway", repo: "reporting-etl" });
    expect(new Set(offered(p)).size).toBe(p.offers.length);
    const timeout = p.offers.find((o) => o.runbookId === "RB-CORE-002");
    expect(timeout?.reasons.length).toBe(p.alerts.filter((a) => a.runbookId === "RB-CORE-002").length);
  });
});
