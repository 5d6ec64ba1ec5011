import { describe, expect, it } from "vitest";
import { onboardingProgress, type ProgressInput } from "./progress";

const base: ProgressInput = {
  state: "REQUESTED",
  reviewReason: null,
  allowlistCommand: null,
  firstFlowCommand: null,
  firstFlowId: null,
  telemetryVerifiedAt: null,
  closesAt: null,
  closedAt: null,
};
const statuses = (i: ProgressInput) => Object.fromEntries(onboardingProgress(i).map((s) => [s.id, s.status]));

describe("onboardingProgress", () => {
  it("walks the eight steps of RB-LAUNCH-001", () => {
    expect(onboardingProgress(base).map((s) => s.id)).toEqual(["request", "review", "allowlist", "cicd", "first-flow", "telemetry", "alerts", "week-1"]);
    expect(statuses(base)).toMatchObject({ request: "done", review: "current", allowlist: "todo", "first-flow": "todo" });
  });

  it("shows the allowlist change on its way, then refused with the control plane's reason", () => {
    const approved = { ...base, state: "APPROVED" as const, closesAt: new Date("2026-03-09T00:00:00Z") };
    expect(statuses({ ...approved, allowlistCommand: { state: "PENDING", lastError: null } })).toMatchObject({ review: "done", allowlist: "waiting", cicd: "todo", alerts: "ready" });
    const refused = onboardingProgress({ ...approved, allowlistCommand: { state: "FAILED", lastError: "Control plane refused the request: nope" } }).find((s) => s.id === "allowlist");
    expect(refused).toMatchObject({ status: "failed", detail: expect.stringContaining("nope") });
  });

  it("moves through the first flow and telemetry", () => {
    const after = { ...base, closesAt: new Date("2026-03-09T00:00:00Z"), allowlistCommand: { state: "SUCCEEDED" as const, lastError: null } };
    expect(statuses({ ...after, state: "ALLOWLISTED" })).toMatchObject({ allowlist: "done", cicd: "ready", "first-flow": "current" });
    expect(statuses({ ...after, state: "FIRST_FLOW_RUNNING", firstFlowId: "flw_1" })).toMatchObject({ "first-flow": "waiting" });
    expect(statuses({ ...after, state: "FIRST_FLOW_FAILED", firstFlowId: "flw_1" })).toMatchObject({ "first-flow": "failed", telemetry: "todo" });
    expect(statuses({ ...after, state: "FIRST_FLOW_PASSED", firstFlowId: "flw_1" })).toMatchObject({ "first-flow": "done", telemetry: "current", "week-1": "waiting" });
    expect(statuses({ ...after, state: "TELEMETRY_VERIFIED", firstFlowId: "flw_1", telemetryVerifiedAt: new Date() })).toMatchObject({ telemetry: "done", "week-1": "current" });
    expect(statuses({ ...after, state: "NEEDS_ATTENTION", firstFlowId: null, closedAt: new Date() })).toMatchObject({ "first-flow": "failed", telemetry: "failed", "week-1": "failed" });
  });

  it("shows a sent-back request with its reason", () => {
    expect(onboardingProgress({ ...base, state: "CHANGES_REQUESTED", reviewReason: "Wrong team" }).find((s) => s.id === "review")).toMatchObject({ status: "failed", detail: "Sent back: Wrong team" });
  });
});
