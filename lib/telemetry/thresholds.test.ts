import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BREAKER_THRESHOLD_PERCENT, HARD_TIMEOUT_SECONDS, QUALITY_GATES_TOTAL } from "../control-plane/contract";
import {
  BUDGET_LIMITS,
  CAPACITY_TARGETS,
  COST_DRIVERS,
  CPU_TRIGGER_PERCENT,
  HARD_TIMEOUT_MS,
  MASS_FAILURE,
  P95_SLO_MS,
  PHASE_LABELS,
  PROVIDER_DEGRADED,
  QUALITY_GATES_REQUIRED,
  QUOTA_BASELINES,
  QUOTA_BREAKER_PERCENT,
  QUOTA_WAIT_FOR_RESET_MS,
  REPO_DAILY_LIMIT_USD,
} from "./thresholds";

// The seed is the source of every threshold: these tests read it and fail when a constant drifts from it.
const seed = readFileSync(path.resolve(import.meta.dirname, "../../docs/runbook-index.seed.md"), "utf8");

/** The body of a runbook's section ("### RB-…" up to the next "---"). */
function section(id: string): string {
  const start = seed.indexOf(`### ${id}:`);
  if (start < 0) throw new Error(`seed: no section ${id}`);
  const end = seed.indexOf("\n---", start);
  return seed.slice(start, end < 0 ? undefined : end);
}

/** Table rows whose first cell matches, as cell texts without Markdown emphasis. */
function row(text: string, first: RegExp): string[] {
  const line = text.split("\n").find((l) => l.startsWith("|") && first.test(l.split("|")[1].replace(/\*/g, "").trim()));
  if (!line) throw new Error(`seed: no table row ${first}`);
  return line.split("|").slice(1, -1).map((c) => c.replace(/\*/g, "").trim());
}

const dollars = (cell: string) => Number(/\$(\d+)/.exec(cell)![1]);
const tokens = (cell: string) => {
  const m = /([\d.]+)\s*([KM])/.exec(cell)!;
  return Math.round(Number(m[1]) * (m[2] === "M" ? 1_000_000 : 1_000));
};

describe("thresholds match the seed", () => {
  it("budget levels per phase and the per-repo limit (RB-LAUNCH-004)", () => {
    const s = section("RB-LAUNCH-004");
    for (const [level, key] of [
      [/^Target$/, "targetUsd"],
      [/^Soft Limit$/, "softUsd"],
      [/^Hard Limit$/, "hardUsd"],
    ] as const) {
      const [, phase6, phase7] = row(s, level);
      expect(BUDGET_LIMITS.phase6[key]).toBe(dollars(phase6));
      expect(BUDGET_LIMITS.phase7[key]).toBe(dollars(phase7));
    }
    expect(s).toContain(`Single repo exceeds $${REPO_DAILY_LIMIT_USD}/day`);
    expect(s).toContain(`Daily spend exceeds $${BUDGET_LIMITS.phase6.softUsd} (Phase 6) or $${BUDGET_LIMITS.phase7.softUsd} (Phase 7)`);
    // No pilot row: the pilot is held to Phase 6's levels (budget.test.ts).
    expect(() => row(s, /^Pilot$/)).toThrow();
  });

  it("cost drivers and their savings (RB-LAUNCH-004)", () => {
    const s = section("RB-LAUNCH-004");
    expect(s).toContain(`Large context size (>${COST_DRIVERS.largeContext.overKb}KB) → Enable context pruning (-${COST_DRIVERS.largeContext.savingPercent}% cost)`);
    expect(s).toContain(`Inefficient model routing → Use Gemini for context (-${COST_DRIVERS.routing.savingPercent}% cost)`);
    expect(s).toContain(`Retry storm → Reduce retry attempts (-${COST_DRIVERS.retryStorm.savingPercent}% cost)`);
  });

  it("quota baselines per provider and phase, and the 85 % breaker (RB-CORE-003, RB-LAUNCH-003)", () => {
    const s = section("RB-CORE-003");
    for (const [name, provider] of [
      ["Anthropic", "anthropic"],
      ["OpenAI", "openai"],
      ["Google", "google"],
    ] as const) {
      const [, pilot, phase6, phase7, breaker] = row(s, new RegExp(`^${name}$`));
      expect(QUOTA_BASELINES.pilot[provider]).toBe(tokens(pilot));
      expect(QUOTA_BASELINES.phase6[provider]).toBe(tokens(phase6));
      expect(QUOTA_BASELINES.phase7[provider]).toBe(tokens(phase7));
      expect(breaker).toBe(`${QUOTA_BREAKER_PERCENT}%`);
    }
    expect(QUOTA_BREAKER_PERCENT).toBe(BREAKER_THRESHOLD_PERCENT);
    expect(s).toContain(`<${QUOTA_WAIT_FOR_RESET_MS / 3_600_000}h until reset`);
    const scaling = section("RB-LAUNCH-003");
    const quotas = (phase: RegExp) => row(scaling, phase)[4];
    expect(quotas(/^Phase 6$/)).toBe("Anthropic 2M, OpenAI 1.5M, Gemini 1M");
    expect(quotas(/^Phase 7$/)).toBe("Anthropic 10M, OpenAI 7.5M, Gemini 5M");
    expect(quotas(/^Pilot$/)).toBe("Anthropic 500K, OpenAI 400K, Gemini 250K");
  });

  it("P95 SLO, hard timeout, quality gates and provider degradation (RB-CORE-002, RB-CORE-001, RB-CORE-004)", () => {
    expect(section("RB-CORE-002")).toContain(`Flow execution >${P95_SLO_MS / 1000}s (P95 SLO violation)`);
    expect(section("RB-CORE-002")).toContain(`Flow execution >${HARD_TIMEOUT_MS / 1000}s (hard timeout, flow terminates)`);
    expect(HARD_TIMEOUT_MS / 1000).toBe(HARD_TIMEOUT_SECONDS);
    expect(section("RB-CORE-001")).toContain(`quality gates ${QUALITY_GATES_REQUIRED}/${QUALITY_GATES_REQUIRED}`);
    expect(QUALITY_GATES_REQUIRED).toBe(QUALITY_GATES_TOTAL);
    expect(section("RB-CORE-004")).toContain(`latency >${PROVIDER_DEGRADED.latencyMs / 1000}s, error rate >${PROVIDER_DEGRADED.errorRate * 100}%`);
  });

  it("mass failure (RB-LAUNCH-005)", () => {
    const s = section("RB-LAUNCH-005");
    expect(s).toContain(`≥${MASS_FAILURE.failuresWithinWindow} flow failures within ${MASS_FAILURE.windowMs / 3_600_000} hour across different repos`);
    expect(s).toContain(`≥${MASS_FAILURE.reposWithHighFailureRate} repos experiencing >${MASS_FAILURE.failureRateOver * 100}% failure rate`);
  });

  it("capacity targets per phase and the CPU trigger (RB-LAUNCH-003)", () => {
    const s = section("RB-LAUNCH-003");
    const [, pilotRepos, pilotReplicas, pilotPool] = row(s, /^Pilot$/);
    expect([pilotRepos, pilotReplicas, Number(pilotPool)]).toEqual([CAPACITY_TARGETS.pilot.repos, `${CAPACITY_TARGETS.pilot.replicas.min} (fixed)`, CAPACITY_TARGETS.pilot.dbPool]);
    expect(CAPACITY_TARGETS.pilot.replicas.max).toBe(CAPACITY_TARGETS.pilot.replicas.min);
    for (const [name, phase] of [
      [/^Phase 6$/, "phase6"],
      [/^Phase 7$/, "phase7"],
    ] as const) {
      const [, repos, replicas, pool] = row(s, name);
      const t = CAPACITY_TARGETS[phase];
      expect([repos, replicas, Number(pool)]).toEqual([t.repos, `${t.replicas.min}-${t.replicas.max} (HPA)`, t.dbPool]);
    }
    expect(s).toContain(`CPU >${CPU_TRIGGER_PERCENT}%`);
  });

  it("phase names are the ones the seed's capacity table uses (RB-LAUNCH-003)", () => {
    const s = section("RB-LAUNCH-003");
    expect(PHASE_LABELS).toEqual({ pilot: "Pilot", phase6: "Phase 6", phase7: "Phase 7" });
    for (const label of Object.values(PHASE_LABELS)) expect(row(s, new RegExp(`^${label}$`))[0]).toBe(label);
  });
});
