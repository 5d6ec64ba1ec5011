import { describe, expect, it } from "vitest";
import { BUDGET_LIMITS, CAPACITY_TARGETS, PHASE_LABELS as TELEMETRY_PHASE_LABELS, REPO_DAILY_LIMIT_USD as TELEMETRY_REPO_LIMIT } from "../telemetry/thresholds";
import { budgetImpact, capacityImpact, CONTROL_PLANE_PHASE, ONBOARDING_PHASES, PHASE_BUDGETS, PHASE_CAPACITY, PHASE_LABELS, REPO_DAILY_LIMIT_USD, reviewImpact, typicalDailySpend } from "./impact";
import { impactForOnboarding } from "./review";
import type { TelemetrySnapshot } from "../control-plane/contract";

describe("onboarding limits", () => {
  it("are the seed's budget and capacity levels, as the live panels hold them (thresholds.test.ts checks those against the seed)", () => {
    expect(ONBOARDING_PHASES).toEqual(["PHASE_6", "PHASE_7"]);
    for (const phase of ONBOARDING_PHASES) {
      const cp = CONTROL_PLANE_PHASE[phase];
      expect(PHASE_LABELS[phase]).toBe(TELEMETRY_PHASE_LABELS[cp]);
      expect(PHASE_BUDGETS[phase]).toEqual(BUDGET_LIMITS[cp]);
      const target = CAPACITY_TARGETS[cp];
      expect(PHASE_CAPACITY[phase]).toEqual({ maxRepos: Number.parseInt(target.repos, 10), reposLabel: `${target.repos} repos`, hpaMin: target.replicas.min, hpaMax: target.replicas.max, dbPool: target.dbPool });
    }
    expect(CONTROL_PLANE_PHASE).toEqual({ PHASE_6: "phase6", PHASE_7: "phase7" });
    expect(REPO_DAILY_LIMIT_USD).toBe(TELEMETRY_REPO_LIMIT);
  });
});

describe("budgetImpact", () => {
  it("puts Phase 6 spend against $35 target, $50 soft and $75 hard", () => {
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 3, currentDailySpendUsd: 30 })).toMatchObject({ projectedUsd: 33, level: "within-target", flags: [] });
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 4, currentDailySpendUsd: 32 })).toMatchObject({ projectedUsd: 36, level: "over-target", flags: [] });
    const soft = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 4, currentDailySpendUsd: 47 });
    expect(soft).toMatchObject({ projectedUsd: 51, level: "over-soft" });
    expect(soft.flags).toEqual([expect.stringMatching(/over the Phase 6 soft limit of \$50\.00/)]);
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 4, currentDailySpendUsd: 72 }).level).toBe("over-hard");
  });

  it("uses Phase 7's $200 / $300 / $450", () => {
    expect(budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 190 }).level).toBe("within-target");
    expect(budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 200 }).level).toBe("over-target");
    expect(budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 296 }).level).toBe("over-soft");
    expect(budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 446 }).level).toBe("over-hard");
  });

  it("flags a repo estimated over the $5 per-repo daily limit, not one at it", () => {
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 5, currentDailySpendUsd: 0 }).repoOverLimit).toBe(false);
    const over = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 5.01, currentDailySpendUsd: 0 });
    expect(over.repoOverLimit).toBe(true);
    expect(over.flags[0]).toMatch(/over the \$5\.00 per-repo daily limit/);
  });

  it("counts the estimate alone when current spend is unknown, and says so", () => {
    const b = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 2.5, currentDailySpendUsd: null });
    expect(b.projectedUsd).toBe(2.5);
    expect(b.notes.join(" ")).toMatch(/unknown/);
  });
});

describe("budgetImpact messages and boundaries", () => {
  it("treats spend exactly at a level as not over it", () => {
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 5, currentDailySpendUsd: 30 }).level).toBe("within-target");
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 5, currentDailySpendUsd: 45 }).level).toBe("over-target");
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 5, currentDailySpendUsd: 70 }).level).toBe("over-soft");
  });

  it("notes spend within the target, with the phase's target in dollars", () => {
    const b = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 3, currentDailySpendUsd: 30 });
    expect(b).toEqual({
      phase: "PHASE_6",
      limits: { targetUsd: 35, softUsd: 50, hardUsd: 75, repoUsd: 5 },
      estimateUsd: 3,
      currentUsd: 30,
      projectedUsd: 33,
      level: "within-target",
      repoOverLimit: false,
      flags: [],
      notes: ["Projected $33.00/day is within the Phase 6 target of $35.00/day."],
    });
  });

  it("notes spend over the target but under the soft limit", () => {
    expect(budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 200 }).notes).toEqual(["Projected $205.00/day is over the Phase 7 target of $200.00/day but under the soft limit of $300.00."]);
  });

  it("flags spend over the soft limit as RB-LAUNCH-004's alert level, and over the hard limit", () => {
    const soft = budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 296 });
    expect(soft.flags).toEqual(["Projected $301.00/day is over the Phase 7 soft limit of $300.00/day (RB-LAUNCH-004 alert level)."]);
    expect(soft.notes).toEqual([]);
    const hard = budgetImpact({ phase: "PHASE_7", estimatedDailySpendUsd: 5, currentDailySpendUsd: 446 });
    expect(hard.flags).toEqual(["Projected $451.00/day is over the Phase 7 hard limit of $450.00/day."]);
    expect(hard.notes).toEqual([]);
  });

  it("flags an estimate over the per-repo limit with the cap that will apply", () => {
    const b = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 8, currentDailySpendUsd: 0 });
    expect(b.flags).toEqual(["Estimated $8.00/day is over the $5.00 per-repo daily limit: the repo will be capped at $5.00 unless Business approves more."]);
  });

  it("rounds the estimate and the projection to cents", () => {
    const b = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 2.344, currentDailySpendUsd: 10.111 });
    expect(b).toMatchObject({ estimateUsd: 2.34, projectedUsd: 12.45 });
    expect(b.notes).toEqual(["Projected $12.45/day is within the Phase 6 target of $35.00/day."]);
  });

  it("says the projection counts only this repo when current spend is unknown", () => {
    const b = budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 2.5, currentDailySpendUsd: null });
    expect(b.currentUsd).toBeNull();
    expect(b.notes).toEqual(["Projected $2.50/day is within the Phase 6 target of $35.00/day.", "Current spend is unknown (control plane unreachable): the projection counts this repo only."]);
    expect(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 2.5, currentDailySpendUsd: 0 }).notes).toHaveLength(1);
  });
});

describe("typicalDailySpend", () => {
  it("averages only the number of complete days asked for, rounded to cents", () => {
    const perDay = [100, 10, 20, 1].map((usd) => ({ usd }));
    expect(typicalDailySpend(perDay, 2)).toBe(15);
    expect(typicalDailySpend([10, 10, 11, 99].map((usd) => ({ usd })))).toBe(10.33);
    expect(typicalDailySpend([])).toBeNull();
  });

  it("averages the last 7 complete days, leaving out today so far", () => {
    const perDay = [10, 20, 30, 30, 30, 30, 30, 30, 30, 1].map((usd) => ({ usd }));
    expect(typicalDailySpend(perDay)).toBe(30);
    expect(typicalDailySpend([{ usd: 5 }])).toBeNull();
    expect(typicalDailySpend([{ usd: 10 }, { usd: 20 }, { usd: 1 }])).toBe(15);
  });
});

describe("capacityImpact", () => {
  const phase6 = { replicas: 5, hpaMin: 5, hpaMax: 20, dbPoolSize: 200 };
  it("flags the 11th repo on Phase 6 capacity (10 repos) but not the 10th", () => {
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 9, footprint: phase6 })).toMatchObject({ reposAfter: 10, withinRepoLimit: true, flags: [] });
    const eleventh = capacityImpact({ phase: "PHASE_6", allowlistedRepos: 10, footprint: phase6 });
    expect(eleventh).toMatchObject({ reposAfter: 11, withinRepoLimit: false, flowEngineOk: true, dbPoolOk: true });
    expect(eleventh.flags).toEqual([expect.stringMatching(/11 allowlisted repos; Phase 6 capacity is planned for 10 repos.*RB-LAUNCH-003/)]);
  });

  it("counts the larger of the portal's registry and the control plane's allowlist, noting a mismatch", () => {
    const c = capacityImpact({ phase: "PHASE_6", allowlistedRepos: 8, controlPlaneRepos: 10, footprint: phase6 });
    expect(c).toMatchObject({ reposBefore: 10, reposAfter: 11, controlPlaneRepos: 10, withinRepoLimit: false });
    expect(c.notes.join(" ")).toMatch(/registers 8 allowlisted repos; the control plane's allowlist has 10/);
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 9, controlPlaneRepos: 1, footprint: phase6 }).reposAfter).toBe(10);
  });

  it("does not count a repo already on the allowlist twice", () => {
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 10, alreadyAllowlisted: true, footprint: phase6 }).reposAfter).toBe(10);
  });

  it("checks Phase 7 needs FlowEngine 10–50 and a 500 DB pool", () => {
    const onPhase6 = capacityImpact({ phase: "PHASE_7", allowlistedRepos: 20, footprint: phase6 });
    expect(onPhase6).toMatchObject({ withinRepoLimit: true, flowEngineOk: false, dbPoolOk: false });
    expect(onPhase6.flags).toHaveLength(2);
    expect(onPhase6.flags[0]).toMatch(/HPA is 5–20.*needs 10–50/);
    expect(onPhase6.flags[1]).toMatch(/DB pool is 200.*needs 500/);
    expect(capacityImpact({ phase: "PHASE_7", allowlistedRepos: 49, footprint: { replicas: 12, hpaMin: 10, hpaMax: 50, dbPoolSize: 500 } }).flags).toEqual([]);
    expect(capacityImpact({ phase: "PHASE_7", allowlistedRepos: 50, footprint: { replicas: 12, hpaMin: 10, hpaMax: 50, dbPoolSize: 500 } }).withinRepoLimit).toBe(false);
  });

  it("leaves the footprint unknown (not a flag) when the control plane cannot be read", () => {
    const c = capacityImpact({ phase: "PHASE_6", allowlistedRepos: 3, footprint: null });
    expect(c).toMatchObject({ flowEngineOk: null, dbPoolOk: null, flags: [] });
    expect(c.notes.join(" ")).toMatch(/unknown/);
  });

  it("notes the repo count against the plan when it fits, and says the flagged count when it does not", () => {
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 9, footprint: phase6 }).notes).toEqual(["10 of 10 repos planned for Phase 6 after onboarding."]);
    const over = capacityImpact({ phase: "PHASE_7", allowlistedRepos: 50, footprint: { replicas: 12, hpaMin: 10, hpaMax: 50, dbPoolSize: 500 } });
    expect(over.flags).toEqual(["This makes 51 allowlisted repos; Phase 7 capacity is planned for 50+ repos. Scale first (RB-LAUNCH-003)."]);
    expect(over.notes).toEqual([]);
  });

  it("notes no mismatch when the registry and the control plane agree", () => {
    const c = capacityImpact({ phase: "PHASE_6", allowlistedRepos: 4, controlPlaneRepos: 4, footprint: phase6 });
    expect(c).toMatchObject({ reposBefore: 4, reposAfter: 5, controlPlaneRepos: 4 });
    expect(c.notes).toEqual(["5 of 10 repos planned for Phase 6 after onboarding."]);
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 4, footprint: phase6 }).controlPlaneRepos).toBeNull();
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 6, controlPlaneRepos: 3, footprint: phase6 }).notes).toContain(
      "The portal registers 6 allowlisted repos; the control plane's allowlist has 3. The larger count is used.",
    );
  });

  it("needs both HPA bounds and the DB pool at least at the phase's plan, exactly at it being enough", () => {
    const at = { replicas: 5, hpaMin: 5, hpaMax: 20, dbPoolSize: 200 };
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 1, footprint: at })).toMatchObject({ flowEngineOk: true, dbPoolOk: true, flags: [] });
    const lowMin = capacityImpact({ phase: "PHASE_6", allowlistedRepos: 1, footprint: { ...at, hpaMin: 4 } });
    expect(lowMin).toMatchObject({ flowEngineOk: false, dbPoolOk: true });
    expect(lowMin.flags).toEqual(["FlowEngine HPA is 4–20 replicas; Phase 6 needs 5–20. Scale first (RB-LAUNCH-003)."]);
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 1, footprint: { ...at, hpaMax: 19 } }).flowEngineOk).toBe(false);
    const smallPool = capacityImpact({ phase: "PHASE_6", allowlistedRepos: 1, footprint: { ...at, dbPoolSize: 199 } });
    expect(smallPool).toMatchObject({ flowEngineOk: true, dbPoolOk: false });
    expect(smallPool.flags).toEqual(["DB pool is 199; Phase 6 needs 200. Scale first (RB-LAUNCH-003)."]);
  });

  it("asks for a manual check of FlowEngine and the DB pool when the control plane cannot be read", () => {
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 3, footprint: null }).notes).toEqual([
      "4 of 10 repos planned for Phase 6 after onboarding.",
      "Control-plane capacity is unknown (control plane unreachable): check FlowEngine and the DB pool before approving.",
    ]);
  });

  it("notes the flows the repo adds, against today's when known", () => {
    const flows = (expectedFlowsPerDay: number, currentFlowsPerDay?: number | null) => capacityImpact({ phase: "PHASE_6", allowlistedRepos: 1, footprint: phase6, expectedFlowsPerDay, currentFlowsPerDay }).notes.slice(1);
    expect(flows(5, 50)).toEqual(["Adds about 5 flows a day to about 50 today (+10 %)."]);
    expect(flows(1, 3)).toEqual(["Adds about 1 flows a day to about 3 today (+33 %)."]);
    expect(flows(5, 0)).toEqual(["Adds about 5 flows a day to about 0 today (+100 %)."]);
    expect(flows(5, null)).toEqual(["Adds about 5 flows a day."]);
    expect(flows(5)).toEqual(["Adds about 5 flows a day."]);
    expect(capacityImpact({ phase: "PHASE_6", allowlistedRepos: 1, footprint: phase6 }).notes).toHaveLength(1);
  });

  it("combines budget and capacity flags into what an approver must acknowledge", () => {
    const r = reviewImpact(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 8, currentDailySpendUsd: 30 }), capacityImpact({ phase: "PHASE_6", allowlistedRepos: 10, footprint: phase6 }));
    expect(r.needsAcknowledgement).toBe(true);
    expect(r.flags).toEqual([...r.budget.flags, ...r.capacity.flags]);
    expect(r.flags).toHaveLength(2);
    const ok = reviewImpact(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 2, currentDailySpendUsd: 30 }), capacityImpact({ phase: "PHASE_6", allowlistedRepos: 5, footprint: phase6 }));
    expect(ok).toMatchObject({ needsAcknowledgement: false, flags: [] });
  });
});

describe("impactForOnboarding", () => {
  it("reads typical spend, FlowEngine bounds, the DB pool and today's flows from a telemetry snapshot", () => {
    const snapshot = {
      aggregates: { window: { label: "24h" }, latency: { flows: 50 }, spend: { perDay: [...Array.from({ length: 7 }, () => ({ usd: 31 })), { usd: 12 }] } },
      capacity: { flowEngine: { replicas: 6, hpaMin: 5, hpaMax: 20 }, dbPool: { size: 200 } },
      settings: { allowlist: Array.from({ length: 10 }, (_, i) => ({ repo: `r${i}` })) },
    } as unknown as TelemetrySnapshot;
    const r = impactForOnboarding({ targetPhase: "PHASE_6", estimatedDailySpendUsd: 3, expectedFlowsPerDay: 5 }, { allowlistedRepos: 10 }, snapshot);
    expect(r.budget).toMatchObject({ currentUsd: 31, projectedUsd: 34, level: "within-target" });
    expect(r.capacity).toMatchObject({ reposAfter: 11, controlPlaneRepos: 10, footprint: { replicas: 6, hpaMin: 5, hpaMax: 20, dbPoolSize: 200 } });
    expect(r.capacity.notes.join(" ")).toMatch(/Adds about 5 flows a day to about 50 today \(\+10 %\)/);
    expect(r.flags).toHaveLength(1);
  });
});
