import { describe, expect, it } from "vitest";
import { evaluateWeekOne, firstFlowPassed, parseFirstFlowResult, WEEK_MS, type FirstFlowResult, type WeekOneInput } from "./week-one";

const approvedAt = new Date("2026-03-02T09:00:00Z");
const closesAt = new Date(approvedAt.getTime() + WEEK_MS);
const hours = (h: number) => new Date(approvedAt.getTime() + h * 3_600_000);
const passed = (at: Date, gates = 5): FirstFlowResult => ({
  flowId: "flw_1",
  status: gates === 5 ? "succeeded" : "failed",
  passed: gates === 5,
  qualityGatesPassed: gates,
  qualityGatesTotal: 5,
  durationMs: 80_000,
  errorType: gates === 5 ? null : "validation",
  error: null,
  recordedAt: at.toISOString(),
});
const base: WeekOneInput = { approvedAt, closesAt, firstFlowResult: null, telemetryVerifiedAt: null, ownerTrainedAt: null };
const status = (e: ReturnType<typeof evaluateWeekOne>) => Object.fromEntries(e.criteria.map((c) => [c.id, c.status]));

describe("evaluateWeekOne", () => {
  it("stays open with pending criteria during the week", () => {
    const e = evaluateWeekOne(base, hours(2));
    expect(e).toMatchObject({ due: false, outcome: null });
    expect(status(e)).toEqual({ "first-flow-24h": "pending", "quality-gates": "pending", telemetry: "pending", "owner-trained": "pending" });
  });

  it("closes as SUCCEEDED after a week when every criterion is met", () => {
    const e = evaluateWeekOne({ ...base, firstFlowResult: passed(hours(3)), telemetryVerifiedAt: hours(4), ownerTrainedAt: hours(30) }, closesAt);
    expect(e).toMatchObject({ due: true, outcome: "SUCCEEDED", missing: [] });
    expect(e.criteria.find((c) => c.id === "first-flow-24h")?.detail).toBe("Passed after 3.0 h.");
  });

  it("all met before the week is over: shown met, not closed yet", () => {
    const e = evaluateWeekOne({ ...base, firstFlowResult: passed(hours(1)), telemetryVerifiedAt: hours(1), ownerTrainedAt: hours(1) }, hours(48));
    expect(e).toMatchObject({ due: false, outcome: null, missing: [] });
  });

  it("misses the 24 h criterion once the window passes without a passing flow, even before the week ends", () => {
    expect(status(evaluateWeekOne(base, hours(23.9)))["first-flow-24h"]).toBe("pending");
    expect(status(evaluateWeekOne(base, hours(24.1)))["first-flow-24h"]).toBe("missed");
    expect(status(evaluateWeekOne({ ...base, firstFlowResult: passed(hours(30)) }, hours(31)))["first-flow-24h"]).toBe("missed");
  });

  it("closes as NEEDS_ATTENTION naming what is missing", () => {
    const e = evaluateWeekOne({ ...base, firstFlowResult: passed(hours(2), 3), telemetryVerifiedAt: hours(3) }, closesAt);
    expect(e.outcome).toBe("NEEDS_ATTENTION");
    expect(status(e)).toEqual({ "first-flow-24h": "missed", "quality-gates": "missed", telemetry: "met", "owner-trained": "missed" });
    expect(e.missing).toEqual(["First flow succeeds within 24 h of approval", "Quality gates 5/5", "Repo owner trained on troubleshooting"]);
    expect(e.criteria.find((c) => c.id === "quality-gates")?.detail).toBe("Latest first flow: 3/5 (failed: validation).");
  });

  it("is not due before approval", () => {
    const e = evaluateWeekOne({ ...base, approvedAt: null, closesAt: null }, hours(1000));
    expect(e).toMatchObject({ due: false, outcome: null });
  });
});

describe("first flow results", () => {
  it("passes only a succeeded flow with 5/5 gates", () => {
    expect(firstFlowPassed({ status: "succeeded", qualityGatesPassed: 5 })).toBe(true);
    expect(firstFlowPassed({ status: "succeeded", qualityGatesPassed: 4 })).toBe(false);
    expect(firstFlowPassed({ status: "failed", qualityGatesPassed: 5 })).toBe(false);
  });

  it("reads stored JSON defensively", () => {
    expect(parseFirstFlowResult(null)).toBeNull();
    expect(parseFirstFlowResult({ status: "weird", recordedAt: "x" })).toBeNull();
    expect(parseFirstFlowResult(passed(hours(1)))).toEqual(passed(hours(1)));
  });
});
