/** Budget maths (RB-LAUNCH-004): today's spend against the phase's levels, per-repo spend, the month. */
import type { Aggregates, Phase } from "../control-plane/contract";
import type { PanelAlert } from "./alerts";
import { byCodePoint } from "../compare";
import { usd } from "./format";
import { BUDGET_LIMITS, PHASE_LABELS, REPO_DAILY_LIMIT_USD, RUNBOOK_FOR, type BudgetLimits } from "./thresholds";

export type BudgetLevel = "monitor" | "investigate" | "circuit-breaker";

/** The action each level calls for, in the seed's words. */
export const BUDGET_LEVEL_LABELS: Record<BudgetLevel, string> = {
  monitor: "Monitor",
  investigate: "Investigate and optimise",
  "circuit-breaker": "Circuit breaker or rollback",
};

/** Money compared in whole cents, so 50.000000001 is not "over $50". */
const cents = (value: number) => Math.round(value * 100);

/** The phase's daily levels. The seed has none for the pilot, so the pilot is held to Phase 6's (and says so). */
export function budgetLimitsFor(phase: Phase): { limits: BudgetLimits; source: "phase6" | "phase7"; note: string | null } {
  if (phase === "phase7") return { limits: BUDGET_LIMITS.phase7, source: "phase7", note: null };
  return {
    limits: BUDGET_LIMITS.phase6,
    source: "phase6",
    note: phase === "pilot" ? "The seed gives no pilot budget: Phase 6 limits apply." : null,
  };
}

/** Level 1 up to and including the soft limit; over it, level 2; over the hard limit, level 3. */
export function budgetLevel(spendUsd: number, limits: BudgetLimits): BudgetLevel {
  if (cents(spendUsd) > cents(limits.hardUsd)) return "circuit-breaker";
  if (cents(spendUsd) > cents(limits.softUsd)) return "investigate";
  return "monitor";
}

/** "Single repo exceeds $5/day": exactly $5 is within the limit. */
export function repoOverDailyLimit(spendUsd: number): boolean {
  return cents(spendUsd) > cents(REPO_DAILY_LIMIT_USD);
}

/** The month's budget: the phase's daily target for every day of the month (the seed gives no monthly figure). */
export function monthBudgetUsd(limits: BudgetLimits, at: Date): number {
  const days = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
  return limits.targetUsd * days;
}

export type BudgetPanel = {
  phase: Phase;
  limits: BudgetLimits;
  limitsFrom: "phase6" | "phase7";
  limitsNote: string | null;
  todayUsd: number;
  level: BudgetLevel;
  levelLabel: string;
  overTarget: boolean;
  repoLimitUsd: number;
  repos: { repo: string; usd: number; over: boolean }[];
  month: { toDateUsd: number; projectionUsd: number; budgetUsd: number; overBudget: boolean };
  perDay: { date: string; usd: number }[];
  alerts: PanelAlert[];
};

export function evaluateBudget(input: { phase: Phase; at: string; spend: Aggregates["spend"] }): BudgetPanel {
  const { phase, spend } = input;
  const { limits, source, note } = budgetLimitsFor(phase);
  const level = budgetLevel(spend.todayUsd, limits);
  const repos = spend.perRepoToday.map((r) => ({ repo: r.repo, usd: r.usd, over: repoOverDailyLimit(r.usd) })).sort((a, b) => b.usd - a.usd || byCodePoint(a.repo, b.repo));
  const budgetUsd = monthBudgetUsd(limits, new Date(input.at));
  const overBudget = cents(spend.monthProjectionUsd) > cents(budgetUsd);
  const limitsName = PHASE_LABELS[source];

  const alerts: PanelAlert[] = [];
  if (level === "circuit-breaker") {
    const message = `Today's spend ${usd(spend.todayUsd)} is over the ${limitsName} hard limit of ${usd(limits.hardUsd)}/day: circuit breaker or rollback.`;
    alerts.push({ key: "budget.hard", severity: "critical", message, runbookId: RUNBOOK_FOR.budget });
    alerts.push({ key: "budget.hard.rollback", severity: "critical", message: `Cost runaway: ${message}`, runbookId: RUNBOOK_FOR.rollback });
  } else if (level === "investigate") {
    alerts.push({
      key: "budget.soft",
      severity: "warning",
      message: `Today's spend ${usd(spend.todayUsd)} is over the ${limitsName} soft limit of ${usd(limits.softUsd)}/day: investigate and optimise.`,
      runbookId: RUNBOOK_FOR.budget,
    });
  }
  for (const r of repos.filter((x) => x.over)) {
    alerts.push({
      key: `budget.repo.${r.repo}`,
      severity: "warning",
      message: `${r.repo} has spent ${usd(r.usd)} today, over the ${usd(REPO_DAILY_LIMIT_USD)} per repo per day limit.`,
      runbookId: RUNBOOK_FOR.budget,
    });
  }
  if (overBudget) {
    alerts.push({
      key: "budget.month",
      severity: "warning",
      message: `The month is projected at ${usd(spend.monthProjectionUsd)}, over its budget of ${usd(budgetUsd)} (${usd(limits.targetUsd)}/day target).`,
      runbookId: RUNBOOK_FOR.budget,
    });
  }

  return {
    phase,
    limits,
    limitsFrom: source,
    limitsNote: note,
    todayUsd: spend.todayUsd,
    level,
    levelLabel: BUDGET_LEVEL_LABELS[level],
    overTarget: cents(spend.todayUsd) > cents(limits.targetUsd),
    repoLimitUsd: REPO_DAILY_LIMIT_USD,
    repos,
    month: { toDateUsd: spend.monthToDateUsd, projectionUsd: spend.monthProjectionUsd, budgetUsd, overBudget },
    perDay: spend.perDay,
    alerts,
  };
}
