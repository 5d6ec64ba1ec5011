import { describe, expect, it } from "vitest";
import { detectMassFailure, failureRateOver, failuresWithin } from "./mass-failure";
import { AT, failed, flow } from "./test-fixtures";

const repo = (name: string, flows: number, failedCount: number) => ({ repo: name, flows, failed: failedCount, failureRate: Math.round((failedCount / flows) * 1000) / 1000 });
const none = { count: 0, repos: [] };

describe("mass failure (RB-LAUNCH-005)", () => {
  it("exactly 5 failures within the hour across different repos is a mass failure; 4 is not", () => {
    expect(detectMassFailure({ lastHour: { count: 5, repos: ["a", "b"] }, perRepo: [] })).toMatchObject({ massFailure: true, byFailureCount: true, byFailureRate: false });
    expect(detectMassFailure({ lastHour: { count: 4, repos: ["a", "b", "c", "d"] }, perRepo: [] }).massFailure).toBe(false);
  });

  it("5 failures all in one repo are not across different repos (RB-CORE-001's territory)", () => {
    expect(detectMassFailure({ lastHour: { count: 5, repos: ["a"] }, perRepo: [] }).massFailure).toBe(false);
    expect(detectMassFailure({ lastHour: { count: 5, repos: ["a", "a"] }, perRepo: [] }).massFailure).toBe(false);
  });

  it("3 repos at exactly 50 % are not a mass failure; 3 repos at 51 % are", () => {
    expect(detectMassFailure({ lastHour: none, perRepo: [repo("a", 2, 1), repo("b", 4, 2), repo("c", 10, 5)] }).massFailure).toBe(false);
    const v = detectMassFailure({ lastHour: none, perRepo: [repo("a", 100, 51), repo("b", 100, 51), repo("c", 100, 51), repo("d", 100, 50)] });
    expect(v).toMatchObject({ massFailure: true, byFailureRate: true, byFailureCount: false, reposOverRate: ["a", "b", "c"] });
    expect(v.reasons[0]).toBe("3 repos have a failure rate over 50 % (a, b, c).");
  });

  it("2 repos over 50 % are not enough", () => {
    expect(detectMassFailure({ lastHour: none, perRepo: [repo("a", 10, 9), repo("b", 10, 9), repo("c", 10, 5)] }).massFailure).toBe(false);
  });

  it("counts failure rates exactly from flows and failures, not from the rounded rate", () => {
    expect(failureRateOver({ flows: 2000, failed: 1001, failureRate: 0.5 })).toBe(true);
    expect(failureRateOver({ flows: 2000, failed: 1000, failureRate: 0.5 })).toBe(false);
    expect(failureRateOver({ flows: 0, failed: 0, failureRate: 0.51 })).toBe(true);
  });

  it("both criteria give both reasons", () => {
    const v = detectMassFailure({ lastHour: { count: 6, repos: ["a", "b", "c"] }, perRepo: [repo("a", 2, 2), repo("b", 2, 2), repo("c", 2, 2)] });
    expect(v.reasons).toHaveLength(2);
    expect(v.reasons[0]).toBe("6 flow failures within the last hour across 3 repos (a, b, c).");
  });

  it("failuresWithin: failed flows that finished in the hour before now (exactly an hour ago is outside)", () => {
    const now = Date.parse(AT);
    const w = failuresWithin([failed("a", "5xx", 1), failed("b", "timeout", 59), failed("c", "5xx", 60), flow({ repo: "d" }), flow({ repo: "e", status: "running", finishedAt: null })], now);
    expect(w).toEqual({ count: 2, repos: ["a", "b"] });
    const five = failuresWithin(["a", "b", "c", "a", "b"].map((r) => failed(r, "5xx", 30)), now);
    expect(detectMassFailure({ lastHour: five, perRepo: [] }).massFailure).toBe(true);
  });

  it("5 failures across exactly two repos are enough; the verdict lists the repos once each, sorted", () => {
    const v = detectMassFailure({ lastHour: { count: 5, repos: ["b", "a", "b"] }, perRepo: [] });
    expect(v).toEqual({
      massFailure: true,
      byFailureCount: true,
      byFailureRate: false,
      failuresLastHour: 5,
      failingRepos: ["a", "b"],
      reposOverRate: [],
      reasons: ["5 flow failures within the last hour across 2 repos (a, b)."],
    });
  });

  it("no failures give a verdict with nothing met and no reasons", () => {
    expect(detectMassFailure({ lastHour: none, perRepo: [repo("a", 10, 1)] })).toEqual({
      massFailure: false,
      byFailureCount: false,
      byFailureRate: false,
      failuresLastHour: 0,
      failingRepos: [],
      reposOverRate: [],
      reasons: [],
    });
  });

  it("lists the repos over the rate sorted, with only the rate reason when the count is not met", () => {
    const v = detectMassFailure({ lastHour: { count: 4, repos: ["z", "y"] }, perRepo: [repo("c", 2, 2), repo("a", 3, 2), repo("b", 10, 6), repo("d", 10, 1)] });
    expect(v).toMatchObject({ massFailure: true, byFailureCount: false, byFailureRate: true, failuresLastHour: 4, failingRepos: ["y", "z"], reposOverRate: ["a", "b", "c"] });
    expect(v.reasons).toEqual(["3 repos have a failure rate over 50 % (a, b, c)."]);
  });

  it("compares a failure rate with a given threshold, exactly at it not being over", () => {
    expect(failureRateOver({ flows: 10, failed: 3, failureRate: 0.3 }, 0.25)).toBe(true);
    expect(failureRateOver({ flows: 4, failed: 1, failureRate: 0.25 }, 0.25)).toBe(false);
    expect(failureRateOver({ flows: 0, failed: 0, failureRate: 0.5 })).toBe(false);
    expect(failureRateOver({ flows: 0, failed: 0, failureRate: 0.3 }, 0.25)).toBe(true);
    expect(failureRateOver({ flows: 1, failed: 1, failureRate: 0 })).toBe(true);
  });

  it("failuresWithin: counts a failure finished exactly now, not one finished later, and takes another window", () => {
    const now = Date.parse(AT);
    const justNow = failed("a", "5xx", 0);
    const later = failed("b", "5xx", -1);
    const noEnd = { ...failed("c"), finishedAt: null };
    expect(failuresWithin([justNow, later, noEnd], now)).toEqual({ count: 1, repos: ["a"] });
    const flows = [failed("b", "5xx", 5), failed("a", "5xx", 15), failed("b", "5xx", 9)];
    expect(failuresWithin(flows, now, 10 * 60_000)).toEqual({ count: 2, repos: ["b"] });
    expect(failuresWithin(flows, now)).toEqual({ count: 3, repos: ["a", "b"] });
  });
});
