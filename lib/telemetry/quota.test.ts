import { describe, expect, it } from "vitest";
import type { Aggregates, Phase, Provider } from "../control-plane/contract";
import { atQuotaBreaker, canWaitForReset, evaluateQuota, quotaUsedPercent } from "./quota";
import { AT, failed, flow, providers, settings } from "./test-fixtures";
import { QUOTA_BASELINES } from "./thresholds";

const RESET = "2025-11-21T00:00:00.000Z"; // 10 h after AT

function usage(phase: Phase, used: Partial<Record<Provider, number>>, resetsAt = RESET): Aggregates["tokens"] {
  return (["anthropic", "openai", "google"] as const).map((provider) => ({
    provider,
    usedToday: used[provider] ?? 0,
    dailyQuota: QUOTA_BASELINES[phase][provider],
    usedPercent: 0,
    breakerThresholdPercent: 85,
    resetsAt,
  }));
}

const quota = (phase: Phase, used: Partial<Record<Provider, number>>, extra: Partial<Parameters<typeof evaluateQuota>[0]> = {}) =>
  evaluateQuota({ phase, at: AT, tokens: usage(phase, used), providers: providers(), settings: settings({ phase }), flows: [], ...extra });

describe("the 85 % circuit-breaker line (RB-CORE-003)", () => {
  it("exactly 85 % trips it (the breaker opens at its threshold); one token less does not", () => {
    expect(atQuotaBreaker(1_700_000, 2_000_000)).toBe(true);
    expect(atQuotaBreaker(1_699_999, 2_000_000)).toBe(false);
    // 85 % of 1.5M is 1,275,000: a float product would say 85.00000000000001.
    expect(atQuotaBreaker(1_275_000, 1_500_000)).toBe(true);
    expect(atQuotaBreaker(1_274_999, 1_500_000)).toBe(false);
    expect(atQuotaBreaker(0, 0)).toBe(false);
    expect(atQuotaBreaker(1, 0)).toBe(true);
    expect(quotaUsedPercent(850_000, 1_000_000)).toBeCloseTo(85, 10);
  });

  for (const [phase, expected] of [
    ["pilot", { anthropic: 500_000, openai: 400_000, google: 250_000 }],
    ["phase6", { anthropic: 2_000_000, openai: 1_500_000, google: 1_000_000 }],
    ["phase7", { anthropic: 10_000_000, openai: 7_500_000, google: 5_000_000 }],
  ] as const) {
    it(`${phase}: baselines ${Object.values(expected).join(" / ")}; each provider trips at exactly 85 % of its own`, () => {
      const at85 = Object.fromEntries(Object.entries(expected).map(([p, q]) => [p, (q * 85) / 100]));
      const below = Object.fromEntries(Object.entries(expected).map(([p, q]) => [p, (q * 85) / 100 - 1]));
      const tripped = quota(phase, at85);
      expect(tripped.rows.map((r) => r.baseline)).toEqual(Object.values(expected));
      expect(tripped.rows.every((r) => r.atBreaker)).toBe(true);
      expect(tripped.alerts.map((a) => a.runbookId)).toEqual(["RB-CORE-003", "RB-CORE-003", "RB-CORE-003"]);
      const fine = quota(phase, below);
      expect(fine.rows.some((r) => r.atBreaker)).toBe(false);
      expect(fine.alerts).toEqual([]);
    });
  }

  it("says how long until the reset and whether waiting (< 6 h) is an option", () => {
    expect(canWaitForReset(6 * 3_600_000 - 1)).toBe(true);
    expect(canWaitForReset(6 * 3_600_000)).toBe(false);
    const q = quota("phase6", { openai: 1_400_000 });
    const openai = q.rows.find((r) => r.provider === "openai")!;
    expect(openai).toMatchObject({ msToReset: 10 * 3_600_000, waitForReset: false, atBreaker: true });
    expect(q.alerts[0].message).toContain("OpenAI has used 93.3 % of its 1.5M daily quota");
    expect(q.alerts[0].message).toContain("resets in 10 h 0 min");
    const soon = evaluateQuota({
      phase: "phase6",
      at: "2025-11-20T19:30:00.000Z",
      tokens: usage("phase6", { openai: 1_400_000 }),
      providers: providers(),
      settings: settings(),
      flows: [],
    });
    expect(soon.alerts[0].message).toContain("resets in 4 h 30 min (under 6 h: waiting is an option)");
  });

  it("an open quota breaker below the line (e.g. after an increase) still offers RB-CORE-003; a manual one does not", () => {
    const quotaOpen = quota("phase6", {}, {
      providers: providers({ google: { breaker: "open" } }),
      settings: settings({ breakers: { global: "closed", providers: [{ provider: "google", state: "open", reason: "quota" }] } }),
    });
    expect(quotaOpen.alerts).toEqual([expect.objectContaining({ key: "quota.google.breaker", runbookId: "RB-CORE-003" })]);
    const manual = quota("phase6", {}, {
      providers: providers({ google: { breaker: "open" } }),
      settings: settings({ breakers: { global: "closed", providers: [{ provider: "google", state: "open", reason: "manual" }] } }),
    });
    expect(manual.rows.find((r) => r.provider === "google")?.breaker).toBe("open");
    expect(manual.alerts).toEqual([]);
  });

  it("429 failures in the last hour offer RB-CORE-003; older ones do not", () => {
    const q = quota("phase6", {}, { flows: [failed("a", "429", 59), failed("b", "429", 61), flow()] });
    expect(q.rateLimitedLastHour).toBe(1);
    expect(q.alerts).toEqual([expect.objectContaining({ key: "quota.429", runbookId: "RB-CORE-003" })]);
  });
});
