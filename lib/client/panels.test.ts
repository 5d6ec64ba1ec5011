import { describe, expect, it } from "vitest";
import { chartHoldMs, CHART_REDRAW_MS, panelsQuery } from "./panels";

describe("panel charts redraw less often than the numbers poll", () => {
  it("holds new data until CHART_REDRAW_MS after the last drawing, then draws it at once", () => {
    expect(CHART_REDRAW_MS).toBeGreaterThan(Number(panelsQuery.refetchInterval));
    expect(chartHoldMs(1_000, 1_000, 10_000)).toBe(10_000);
    expect(chartHoldMs(1_000, 3_000, 10_000)).toBe(8_000);
    expect(chartHoldMs(1_000, 11_000, 10_000)).toBe(0);
    expect(chartHoldMs(1_000, 60_000, 10_000)).toBe(0);
  });

  it("never holds longer than one interval, even if the clock went back", () => {
    expect(chartHoldMs(50_000, 1_000, 10_000)).toBe(10_000);
  });
});
