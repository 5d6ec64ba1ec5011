import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { subscribeToClock } from "./clock";

describe("subscribeToClock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs one timer per interval however many clocks show it, and ticks them all in the same task", () => {
    const setInterval = vi.spyOn(globalThis, "setInterval");
    const ticks: string[] = [];
    const stopA = subscribeToClock(1000, () => ticks.push("a"));
    const stopB = subscribeToClock(1000, () => ticks.push("b"));
    const stopC = subscribeToClock(5000, () => ticks.push("c"));
    expect(setInterval).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual(["a", "b"]);
    vi.advanceTimersByTime(4000);
    expect(ticks.filter((t) => t === "c")).toHaveLength(1);
    stopA();
    stopB();
    stopC();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("keeps ticking the clocks still shown when one goes, and starts again after the last went", () => {
    const ticks: string[] = [];
    const stopA = subscribeToClock(1000, () => ticks.push("a"));
    const stopB = subscribeToClock(1000, () => ticks.push("b"));
    stopA();
    stopA();
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual(["b"]);
    stopB();
    expect(vi.getTimerCount()).toBe(0);
    const stopD = subscribeToClock(1000, () => ticks.push("d"));
    vi.advanceTimersByTime(1000);
    expect(ticks).toEqual(["b", "d"]);
    stopD();
  });
});
