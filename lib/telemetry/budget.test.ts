import { describe, expect, it } from "vitest";
import type { Aggregates } from "../control-plane/contract";
import { budgetLevel, budgetLimitsFor, evaluateBudget, monthBudgetUsd, repoOverDailyLimit } from "./budget";
import { AT } from "./test-fixtures";

function spend(over: Partial<Aggregates["spend"]> = {}): Aggregates["spend"] {
  return { perDay: [{ date: "2025-11-20", usd: 20 }], perRepoToday: [], todayUsd: 20, monthToDateUsd: 400, monthProjectionUsd: 600, ...over };
}

describe("budget levels (RB-LAUNCH-004: target / soft / hard)", () => {
  const p6 = budgetLimitsFor("phase6").limits;
  const p7 = budgetLimitsFor("phase7").limits;

  it("Phase 6: $35 / $50 / $75 per day; exactly at a limit is not over it", () => {
    expect(p6).toEqual({ targetUsd: 35, softUsd: 50, hardUsd: 75 });
    expect(budgetLevel(0, p6)).toBe("monitor");
    expect(budgetLevel(35, p6)).toBe("monitor");
    expect(budgetLevel(35.01, p6)).toBe("monitor");
    expect(budgetLevel(50, p6)).toBe("monitor");
    expect(budgetLevel(50.01, p6)).toBe("investigate");
    expect(budgetLevel(75, p6)).toBe("investigate");
    expect(budgetLevel(75.01, p6)).toBe("circuit-breaker");
  });

  it("Phase 7: $200 / $300 / $450 per day", () => {
    expect(p7).toEqual({ targetUsd: 200, softUsd: 300, hardUsd: 450 });
    expect(budgetLevel(300, p7)).toBe("monitor");
    expect(budgetLevel(300.01, p7)).toBe("investigate");
    expect(budgetLevel(450, p7)).toBe("investigate");
    expect(budgetLevel(450.01, p7)).toBe("circuit-breaker");
    // Phase 6's hard limit is well within Phase 7's target.
    expect(budgetLevel(76, p7)).toBe("monitor");
  });

  it("the pilot, which the seed gives no budget for, is held to Phase 6's levels and says so", () => {
    const pilot = budgetLimitsFor("pilot");
    expect(pilot.limits).toEqual(p6);
    expect(pilot.note).toMatch(/no pilot budget/);
    expect(budgetLimitsFor("phase6").note).toBeNull();
  });

  it("compares in cents, so floating-point dust does not cross a line", () => {
    expect(budgetLevel(50.000000001, p6)).toBe("monitor");
    expect(budgetLevel(0.1 + 0.2 + 49.7, p6)).toBe("monitor");
  });
});

describe("per-repo limit: $5 per repo per day", () => {
  it("exactly $5 is within it; $5.01 is over", () => {
    expect(repoOverDailyLimit(4.99)).toBe(false);
    expect(repoOverDailyLimit(5)).toBe(false);
    expect(repoOverDailyLimit(5.01)).toBe(true);
  });
});

describe("evaluateBudget", () => {
  it("below the soft limit: monitor, no alerts, repos sorted by spend", () => {
    const b = evaluateBudget({ phase: "phase6", at: AT, spend: spend({ todayUsd: 42, perRepoToday: [{ repo: "a", usd: 1 }, { repo: "b", usd: 3 }] }) });
    expect(b.level).toBe("monitor");
    expect(b.levelLabel).toBe("Monitor");
    expect(b.overTarget).toBe(true);
    expect(b.alerts).toEqual([]);
    expect(b.repos.map((r) => r.repo)).toEqual(["b", "a"]);
  });

  it("exactly at the soft limit ($50) offers nothing; a cent over offers RB-LAUNCH-004", () => {
    expect(evaluateBudget({ phase: "phase6", at: AT, spend: spend({ todayUsd: 50 }) }).alerts).toEqual([]);
    const over = evaluateBudget({ phase: "phase6", at: AT, spend: spend({ todayUsd: 50.01 }) });
    expect(over.level).toBe("investigate");
    expect(over.levelLabel).toBe("Investigate and optimise");
    expect(over.alerts).toEqual([expect.objectContaining({ key: "budget.soft", runbookId: "RB-LAUNCH-004", severity: "warning" })]);
    expect(over.alerts[0].message).toContain("$50.01");
    expect(over.alerts[0].message).toContain("$50.00");
  });

  it("over the hard limit: circuit breaker or rollback, offering RB-LAUNCH-004 and RB-LAUNCH-002 (cost runaway > $75)", () => {
    expect(evaluateBudget({ phase: "phase6", at: AT, spend: spend({ todayUsd: 75 }) }).level).toBe("investigate");
    const b = evaluateBudget({ phase: "phase6", at: AT, spend: spend({ todayUsd: 80 }) });
    expect(b.level).toBe("circuit-breaker");
    expect(b.levelLabel).toBe("Circuit breaker or rollback");
    expect(b.alerts.map((a) => [a.runbookId, a.severity])).toEqual([
      ["RB-LAUNCH-004", "critical"],
      ["RB-LAUNCH-002", "critical"],
    ]);
  });

  it("a repo over $5 today offers RB-LAUNCH-004 even when the day is within budget; exactly $5 does not", () => {
    const b = evaluateBudget({ phase: "phase6", at: AT, spend: spend({ perRepoToday: [{ repo: "ok", usd: 5 }, { repo: "hot", usd: 5.4 }] }) });
    expect(b.repos).toEqual([
      { repo: "hot", usd: 5.4, over: true },
      { repo: "ok", usd: 5, over: false },
    ]);
    expect(b.alerts).toEqual([expect.objectContaining({ key: "budget.repo.hot", runbookId: "RB-LAUNCH-004" })]);
  });

  it("the month: projection against the daily target × days in the month (Nov: 30 × $35 = $1,050)", () => {
    expect(monthBudgetUsd(budgetLimitsFor("phase6").limits, new Date(AT))).toBe(1050);
    expect(monthBudgetUsd(budgetLimitsFor("phase7").limits, new Date("2025-12-05T00:00:00Z"))).toBe(6200);
    expect(evaluateBudget({ phase: "phase6", at: AT, spend: spend({ monthProjectionUsd: 1050 }) }).month.overBudget).toBe(false);
    const over = evaluateBudget({ phase: "phase6", at: AT, spend: spend({ monthProjectionUsd: 1050.01 }) });
    expect(over.month).toMatchObject({ budgetUsd: 1050, overBudget: true });
    expect(over.alerts).toEqual([expect.objectContaining({ key: "budget.month", runbookId: "RB-LAUNCH-004" })]);
  });

  it("Phase 7 spend that would breach Phase 6 is fine under Phase 7's limits", () => {
    const b = evaluateBudget({ phase: "phase7", at: AT, spend: spend({ todayUsd: 120, monthProjectionUsd: 3600 }) });
    expect(b.level).toBe("monitor");
    expect(b.limits.softUsd).toBe(300);
    expect(b.alerts).toEqual([]);
  });
});
