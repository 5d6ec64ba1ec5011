import { describe, expect, it } from "vitest";
import { evaluateCostDrivers, isLargeContext, isRetryStorm } from "./cost-drivers";
import { failed, flow, settings } from "./test-fixtures";

const byId = (drivers: ReturnType<typeof evaluateCostDrivers>) => Object.fromEntries(drivers.map((d) => [d.id, d]));

describe("cost drivers (RB-LAUNCH-004)", () => {
  it("large context is over 200 KB: exactly 200 KB is not", () => {
    expect(isLargeContext(200)).toBe(false);
    expect(isLargeContext(200.1)).toBe(true);
  });

  it("detects unpruned flows over 200 KB and prices pruning at −15 % of today's spend", () => {
    const d = byId(
      evaluateCostDrivers({
        flows: [flow({ repo: "reporting-etl", contextKb: 245 }), flow({ repo: "docs-portal", contextKb: 230, pruned: true }), flow({ contextKb: 200 })],
        settings: settings(),
        todayUsd: 40,
      }),
    );
    expect(d.largeContext).toMatchObject({ detected: true, savingPercent: 15, savingUsdPerDay: 6, remedy: "Enable context pruning" });
    expect(d.largeContext.evidence).toContain("1 of the last 3 flows");
    expect(d.largeContext.evidence).toContain("pruning is off for reporting-etl");
  });

  it("no large-context driver when every large bundle was pruned", () => {
    const d = byId(evaluateCostDrivers({ flows: [flow({ contextKb: 245, pruned: true })], settings: settings({ pruning: { global: true, repos: [] } }), todayUsd: 30 }));
    expect(d.largeContext.detected).toBe(false);
  });

  it("routing: context not on Gemini is a driver (−20 %); all context on Gemini is not", () => {
    const off = byId(evaluateCostDrivers({ flows: [flow({ contextProvider: "anthropic" })], settings: settings(), todayUsd: 50 }));
    expect(off.routing).toMatchObject({ detected: true, savingPercent: 20, savingUsdPerDay: 10 });
    const on = byId(
      evaluateCostDrivers({
        flows: [flow({ contextProvider: "google" })],
        settings: settings({ routing: { weights: { anthropic: 50, openai: 30, google: 20 }, contextWeights: { anthropic: 0, openai: 0, google: 100 }, pins: [] } }),
        todayUsd: 50,
      }),
    );
    expect(on.routing.detected).toBe(false);
  });

  it("retry storm: more than 10 % of finished flows failed with a retried error while retries are on (−10 %)", () => {
    expect(isRetryStorm(1, 10, 3)).toBe(false);
    expect(isRetryStorm(2, 10, 3)).toBe(true);
    expect(isRetryStorm(5, 10, 1)).toBe(false);
    expect(isRetryStorm(0, 0, 3)).toBe(false);
    const flows = [...Array.from({ length: 8 }, () => flow()), failed("a", "timeout"), failed("b", "5xx"), failed("c", "validation")];
    const d = byId(evaluateCostDrivers({ flows, settings: settings(), todayUsd: 30 }));
    expect(d.retryStorm).toMatchObject({ detected: true, savingPercent: 10, savingUsdPerDay: 3 });
    expect(d.retryStorm.evidence).toContain("2 of the last 11");
    const capped = byId(evaluateCostDrivers({ flows, settings: settings({ retry: { maxAttempts: 1, repos: [] } }), todayUsd: 30 }));
    expect(capped.retryStorm.detected).toBe(false);
  });
});
