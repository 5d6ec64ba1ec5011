import { describe, expect, it } from "vitest";
import { consentRefusal } from "./actions";

const ROLLBACK = { pilotRepo: "compliance-service" };

describe("the outbox's floor for critical actions (consentRefusal)", () => {
  it("queues an action that is not critical with or without consent", () => {
    expect(consentRefusal("run-flow", { repo: "billing-api" }, undefined)).toBeNull();
    expect(consentRefusal("throttle-repo", { repos: ["billing-api"] }, undefined)).toBeNull();
    expect(consentRefusal("set-circuit-breaker", { scope: "repo", state: "open" }, undefined)).toBeNull();
    // Closing the global breaker restores service: only opening it stops every flow.
    expect(consentRefusal("set-circuit-breaker", { scope: "global", state: "closed" }, undefined)).toBeNull();
  });

  it("refuses a critical action that comes without consent, or with no approver", () => {
    for (const [action, params] of [
      ["rollback-to-pilot", ROLLBACK],
      ["set-allowlist", { add: ["billing-api"] }],
      ["rotate-api-key", { providers: ["google"] }],
      ["set-circuit-breaker", { scope: "global", state: "open" }],
      ["throttle-repo", { repos: ["billing-api", "checkout-web"] }],
    ] as const) {
      expect(consentRefusal(action, params, undefined), action).toMatch(/^\S+ with these parameters is a critical action: .*none was given\. Nothing was queued\.$/);
      expect(consentRefusal(action, params, { requestedBy: "a", approvedBy: [] }), action).toMatch(/none was given/);
      expect(consentRefusal(action, params, { requestedBy: null, approvedBy: [] }), action).toMatch(/none was given/);
    }
  });

  it("refuses when the person who asked is among the approvers, or someone is counted twice", () => {
    expect(consentRefusal("rollback-to-pilot", ROLLBACK, { requestedBy: "a", approvedBy: ["b", "a"] })).toMatch(/the person who asked for it cannot also approve it/);
    expect(consentRefusal("rollback-to-pilot", ROLLBACK, { requestedBy: "a", approvedBy: ["a"] })).toMatch(/cannot also approve it/);
    expect(consentRefusal("rollback-to-pilot", ROLLBACK, { requestedBy: "a", approvedBy: ["b", "b"] })).toMatch(/the same person is counted twice/);
  });

  it("queues a critical action approved by someone other than the person who asked (or than the portal)", () => {
    expect(consentRefusal("rollback-to-pilot", ROLLBACK, { requestedBy: "a", approvedBy: ["b"] })).toBeNull();
    expect(consentRefusal("rollback-to-pilot", ROLLBACK, { requestedBy: "a", approvedBy: ["b", "c"] })).toBeNull();
    expect(consentRefusal("set-allowlist", { add: ["billing-api"] }, { requestedBy: null, approvedBy: ["b"] })).toBeNull();
  });
});
