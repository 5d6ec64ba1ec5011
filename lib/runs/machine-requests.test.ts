/** The run state machine's requests: the two-person rule's requests and approvals, one-person actions, and their parameters. */
import { describe, expect, it } from "vitest";
import { commandRequestHash } from "../control-plane/request-hash";
import { approveStep, prepareRequest, requestStep, stepRequestHash, type RunSnapshot, type StepSnapshot } from "./machine";
import { branches, ctx, ic, infosec, lead, now, ok, refusal, snapshot, sre, sre2 } from "./test-machine";

describe("two-person rule", () => {
  const atThrottle = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" } });

  it("a request needs its placeholders filled and valid parameters", () => {
    expect(requestStep(ctx(atThrottle, sre), "throttle", {}, now)).toEqual(refusal("INVALID", "Fill in repos."));
  });
  it("a value of only spaces counts as not filled in", () => {
    expect(requestStep(ctx(atThrottle, sre), "throttle", { repos: "   " }, now)).toEqual(refusal("INVALID", "Fill in repos."));
  });

  it("a request waits for signatures and voids every approval given so far, whatever its parameters", () => {
    const plan = ok(requestStep(ctx(atThrottle, sre), "throttle", { repos: "billing-api, checkout-web" }, now));
    expect(plan.stepUpdates[0].data).toMatchObject({ status: "AWAITING_SIGNATURES", requestedById: "sre" });
    expect(plan.enqueue).toBeUndefined();
    expect(plan.voidSignaturesOf).toEqual({ stepId: "throttle" });
    const other = ok(requestStep(ctx(atThrottle, sre), "throttle", { repos: "billing-api" }, now));
    expect(other.stepUpdates[0].data.requestHash).not.toBe(plan.stepUpdates[0].data.requestHash);
    const same = ok(requestStep(ctx(atThrottle, sre2), "throttle", { repos: "billing-api,checkout-web" }, now));
    expect(same.stepUpdates[0].data.requestHash).toBe(plan.stepUpdates[0].data.requestHash);
  });

  it("a request stores and audits the canonical parameters and their hash", () => {
    const params = { repos: ["billing-api", "checkout-web"], capacityPercent: 50 };
    const hash = commandRequestHash("throttle-repo", params);
    const plan = ok(requestStep(ctx(atThrottle, sre), "throttle", { repos: "billing-api, checkout-web" }, now));
    const requestId = plan.request!.id;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(plan.stepUpdates).toEqual([{ stepId: "throttle", expectedVersion: 0, data: { status: "AWAITING_SIGNATURES", request: { action: "throttle-repo", params }, requestId, requestHash: hash, requestedById: "sre" } }]);
    expect(plan.request).toEqual({ id: requestId, stepId: "throttle", requestHash: hash, request: { action: "throttle-repo", params } });
    expect(plan.signature).toBeUndefined();
    expect(plan.audit).toEqual({
      action: "run.step.requested",
      details: { stepId: "throttle", action: "throttle-repo", params, requestId, requestHash: hash, replacedRequestId: null, replacedRequestHash: null, voidedApprovals: 0 },
    });
  });

  it("the audit names the request a new one replaces, its hash only when it changed, and the approvals it voids", () => {
    const oldHash = commandRequestHash("throttle-repo", { repos: ["billing-api"], capacityPercent: 50 });
    const signatures = [
      { stepId: "throttle", personId: "ic", personName: "IC", role: "INCIDENT_COMMANDER", requestId: "req-0", requestHash: oldHash, voided: false },
      { stepId: "throttle", personId: "sre2", personName: "SRE2", role: "SRE", requestId: "req-0", requestHash: oldHash, voided: false },
      { stepId: "throttle", personId: "x", personName: "X", role: "SRE", requestId: "req-old", requestHash: oldHash, voided: true },
      { stepId: "prune", personId: "y", personName: "Y", role: "SRE", requestId: "req-p", requestHash: oldHash, voided: false },
    ];
    const pending = snapshot(
      { triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "AWAITING_SIGNATURES", requestId: "req-0", requestHash: oldHash, requestedById: "sre" } },
      { signatures },
    );
    const changed = ok(requestStep(ctx(pending, sre), "throttle", { repos: "billing-api, checkout-web" }, now));
    expect(changed.audit.details).toMatchObject({ replacedRequestId: "req-0", replacedRequestHash: oldHash, voidedApprovals: 2 });
    const unchanged = ok(requestStep(ctx(pending, sre), "throttle", { repos: "billing-api" }, now));
    expect(unchanged.audit.details).toMatchObject({ replacedRequestId: "req-0", replacedRequestHash: null, voidedApprovals: 2 });
    expect(unchanged.request!.id).not.toBe("req-0");
  });

  it("a two-person step without an action is requested with a hash of its own step id", () => {
    const atConfirm = snapshot({ child: { status: "DONE" } }, {}, branches);
    const plan = ok(requestStep(ctx(atConfirm, sre, branches), "confirm", {}, now));
    const hash = stepRequestHash("confirm");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(stepRequestHash("child"));
    expect(plan.stepUpdates[0].data).toEqual({ status: "AWAITING_SIGNATURES", request: { action: null, params: {} }, requestId: plan.request!.id, requestHash: hash, requestedById: "sre" });
    expect(plan.enqueue).toBeUndefined();
  });

  const hash = "a".repeat(64);
  const awaiting = (signatures: RunSnapshot["signatures"] = [], throttle: Partial<StepSnapshot> = {}) =>
    snapshot(
      {
        triage: { status: "DONE" },
        decide: { status: "DONE" },
        note: { status: "NOT_APPLICABLE" },
        throttle: { status: "AWAITING_SIGNATURES", version: 3, requestId: "req-1", requestHash: hash, requestedById: "sre", request: { action: "throttle-repo", params: { repos: ["billing-api", "checkout-web"], capacityPercent: 50 } }, ...throttle },
      },
      { signatures },
    );
  const signed = (personId: string, extra: Partial<RunSnapshot["signatures"][number]> = {}) => ({ stepId: "throttle", personId, personName: personId.toUpperCase(), role: "SRE", requestId: "req-1", requestHash: hash, voided: false, ...extra });

  it("refuses the requester's own approval", () => {
    expect(approveStep(ctx(awaiting(), sre), "throttle", hash, now)).toEqual(refusal("FORBIDDEN", "You requested this action, so you cannot also approve it (two-person rule)."));
  });
  it("refuses an approval of a request that changed", () => {
    expect(approveStep(ctx(awaiting(), sre2), "throttle", "b".repeat(64), now)).toEqual(refusal("CONFLICT", "The request changed after you loaded it: review the new parameters and approve again."));
  });
  it("the first approval records a signature, sends nothing, and still claims the step's version", () => {
    const plan = ok(approveStep(ctx(awaiting(), sre2), "throttle", hash, now));
    expect(plan.signature).toEqual({ stepId: "throttle", role: "SRE", requestHash: hash, requestId: "req-1" });
    expect(plan.stepUpdates).toEqual([{ stepId: "throttle", expectedVersion: 3, data: {} }]);
    expect(plan.enqueue).toBeUndefined();
    expect(plan.audit).toEqual({ action: "run.step.approved", details: { stepId: "throttle", requestId: "req-1", requestHash: hash, approval: 1, of: 2, sent: false } });
  });
  it("refuses the same person twice", () => {
    expect(approveStep(ctx(awaiting([signed("sre2")]), sre2), "throttle", hash, now)).toEqual(refusal("CONFLICT", "You already approved this request; a second, different person must approve it."));
  });
  it("the second different approval sends the exact request", () => {
    const plan = ok(approveStep(ctx(awaiting([signed("sre2")]), ic), "throttle", hash, now));
    expect(plan.stepUpdates).toEqual([{ stepId: "throttle", expectedVersion: 3, data: { status: "COMMAND_SENT", completedById: "ic", completedAt: now } }]);
    expect(plan.signature).toEqual({ stepId: "throttle", role: "INCIDENT_COMMANDER", requestHash: hash, requestId: "req-1" });
    // The command carries who asked and who approved: the outbox checks it again (consentRefusal).
    expect(plan.enqueue).toEqual({
      stepId: "throttle",
      action: "throttle-repo",
      params: { repos: ["billing-api", "checkout-web"], capacityPercent: 50 },
      consent: { requestedBy: "sre", approvedBy: ["sre2", "ic"] },
    });
    expect(plan.audit).toEqual({ action: "run.step.approved", details: { stepId: "throttle", requestId: "req-1", requestHash: hash, approval: 2, of: 2, sent: true } });
  });
  it("voided signatures do not count", () => {
    const snap = awaiting([signed("sre2", { voided: true })]);
    expect(ok(approveStep(ctx(snap, ic), "throttle", hash, now)).enqueue).toBeUndefined();
  });
  it("signatures on another step or on an earlier request do not count as an approval of this one", () => {
    const snap = awaiting([signed("sre2", { stepId: "prune" }), signed("sre2", { requestHash: "c".repeat(64) })]);
    const plan = ok(approveStep(ctx(snap, sre2), "throttle", hash, now));
    expect(plan.audit.details).toMatchObject({ approval: 1, sent: false });
    expect(plan.enqueue).toBeUndefined();
  });
  it("refuses a third approval once two are recorded", () => {
    expect(approveStep(ctx(awaiting([signed("sre2"), signed("x")]), ic), "throttle", hash, now)).toEqual(refusal("CONFLICT", "This request already has its two approvals."));
  });
  it("refuses approving a step that is not waiting for approval", () => {
    const nothing = refusal("CONFLICT", "Nothing is waiting for approval on this step: it must be requested first.");
    expect(approveStep(ctx(atThrottle, sre2), "throttle", hash, now)).toEqual(nothing);
    const alreadySent = awaiting([signed("sre2"), signed("ic")], { status: "COMMAND_SENT", commandState: "PENDING" });
    expect(approveStep(ctx(alreadySent, lead), "throttle", hash, now)).toEqual(nothing);
  });
  it("refuses approving a step that does not use the two-person rule", () => {
    const atPrune = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "DONE" } });
    expect(approveStep(ctx(atPrune, sre2), "prune", hash, now)).toEqual(refusal("INVALID", "This step does not use the two-person rule."));
  });
  it("the second approval of a two-person step without an action completes it and sends nothing", () => {
    const h = stepRequestHash("confirm");
    const snap = snapshot(
      { child: { status: "DONE" }, confirm: { status: "AWAITING_SIGNATURES", version: 1, requestId: "req-c", requestHash: h, requestedById: "sre", request: { action: null, params: {} } } },
      { signatures: [{ stepId: "confirm", personId: "sre2", personName: "SRE2", role: "SRE", requestId: "req-c", requestHash: h, voided: false }] },
      branches,
    );
    const plan = ok(approveStep(ctx(snap, infosec, branches), "confirm", h, now));
    expect(plan.stepUpdates).toEqual([{ stepId: "confirm", expectedVersion: 1, data: { status: "DONE", completedById: "infosec", completedAt: now } }]);
    expect(plan.signature).toEqual({ stepId: "confirm", role: "INFOSEC", requestHash: h, requestId: "req-c" });
    expect(plan.enqueue).toBeUndefined();
    expect(plan.audit.details).toEqual({ stepId: "confirm", requestId: "req-c", requestHash: h, approval: 2, of: 2, sent: false });
  });
});

describe("one-person action", () => {
  const atPrune = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "SUCCEEDED" } });
  it("is sent at once with the filled, validated parameters", () => {
    const plan = ok(requestStep(ctx(atPrune, sre), "prune", { repo: "billing-api" }, now));
    expect(plan.enqueue).toMatchObject({ action: "set-context-pruning", params: expect.objectContaining({ repo: "billing-api", enabled: true }) });
    expect(plan.stepUpdates[0].data.status).toBe("COMMAND_SENT");
  });
  it("records the request, the requester's signature over its hash and an audit event", () => {
    const params = { scope: "repo", repo: "billing-api", enabled: true };
    const hash = commandRequestHash("set-context-pruning", params);
    const plan = ok(requestStep(ctx(atPrune, sre), "prune", { repo: "billing-api" }, now));
    const requestId = plan.request!.id;
    expect(plan.stepUpdates).toEqual([
      { stepId: "prune", expectedVersion: 0, data: { status: "COMMAND_SENT", request: { action: "set-context-pruning", params }, requestId, requestHash: hash, requestedById: "sre", completedById: "sre", completedAt: now } },
    ]);
    expect(plan.request).toEqual({ id: requestId, stepId: "prune", requestHash: hash, request: { action: "set-context-pruning", params } });
    expect(plan.signature).toEqual({ stepId: "prune", role: "SRE", requestHash: hash, requestId });
    expect(plan.voidSignaturesOf).toBeUndefined();
    expect(plan.enqueue).toEqual({ stepId: "prune", action: "set-context-pruning", params });
    expect(plan.audit).toEqual({ action: "run.step.command_requested", details: { stepId: "prune", action: "set-context-pruning", params, requestId, requestHash: hash } });
  });
  it("refuses invalid parameters with the contract's message", () => {
    expect(requestStep(ctx(atPrune, sre), "prune", { repo: "not a repo!" }, now)).toEqual(
      refusal("INVALID", "Invalid parameters for set-context-pruning: repo: must be a repository name (letters, digits, '.', '_', '-')"),
    );
  });
  it("names every placeholder still to fill in", () => {
    const atFailover = snapshot({ child: { status: "DONE" }, confirm: { status: "DONE" }, rollback: { status: "DONE" } }, {}, branches);
    expect(requestStep(ctx(atFailover, sre, branches), "failover", { from: "openai" }, now)).toEqual(refusal("INVALID", "Fill in to."));
    expect(requestStep(ctx(atFailover, sre, branches), "failover", {}, now)).toEqual(refusal("INVALID", "Fill in from, to."));
  });
  it("can be requested again after its command failed, but not while it is on its way", () => {
    const failed = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "SUCCEEDED" }, prune: { status: "COMMAND_SENT", commandState: "FAILED" } });
    expect(requestStep(ctx(failed, sre), "prune", { repo: "billing-api" }, now).ok).toBe(true);
    const inFlight = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "SUCCEEDED" }, prune: { status: "COMMAND_SENT", commandState: "SENDING" } });
    expect(requestStep(ctx(inFlight, sre), "prune", { repo: "billing-api" }, now)).toEqual(refusal("CONFLICT", "The command for this step is already on its way."));
  });
  it("refuses a step without an action", () => {
    expect(requestStep(ctx(snapshot(), sre), "triage", {}, now)).toEqual(refusal("INVALID", "This step has no control-plane action: sign it off."));
  });
});

describe("prepareRequest", () => {
  it("trims what the requester typed before it fills a placeholder inside text", () => {
    const prepared = prepareRequest("run-flow", { repo: "{{repo}}", reason: "re-run after {{ticket}} fix" }, { repo: " billing-api ", ticket: " INC-42 " });
    expect(prepared).toMatchObject({ params: { repo: "billing-api", reason: "re-run after INC-42 fix" } });
  });
});
