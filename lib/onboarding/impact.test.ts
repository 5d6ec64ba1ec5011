import { describe, expect, it } from "vitest";
import { budgetImpact, capacityImpact, reviewImpact, typicalDailySpend } from "./impact";
import { impactForOnboarding } from "./review";
import type { TelemetrySnapshot } from "../control-plane/contract";

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

describe("typicalDailySpend", () => {
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

  it("combines budget and capacity flags into what an approver must acknowledge", () => {
    const r = reviewImpact(budgetImpact({ phase: "PHASE_6", estimatedDailySpendUsd: 8, currentDailySpendUsd: 30 }), capacityImpact({ phase: "PHASE_6", allowlistedRepos: 10, footprint: phase6 }));
    expect(r.needsAcknowledgement).toBe(true);
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
