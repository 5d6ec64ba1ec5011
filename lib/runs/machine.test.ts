import { describe, expect, it } from "vitest";
import { testRunbook } from "./test-runbook";
import type { Actor } from "../auth/roles";
import { commandRequestHash } from "../control-plane/request-hash";
import type { Runbook } from "../runbooks";
import {
  abort,
  approveStep,
  currentStep,
  decide,
  effectiveStatus,
  finalStatus,
  prepareRequest,
  requestStep,
  signersShown,
  signOff,
  skip,
  stepRequestHash,
  type Plan,
  type Refusal,
  type RunSnapshot,
  type StepSnapshot,
} from "./machine";

const runbook = testRunbook("RB-CORE-900", "Machine Test", `
### 1. Triage
\`\`\`yaml step
id: triage
kind: task
signoff: [SRE]
minutes: 5
\`\`\`

### 2. Decide
\`\`\`yaml step
id: decide
kind: decision
signoff: [INCIDENT_COMMANDER]
minutes: 2
criteria: { go: [{ id: many, label: Many repos }], noGo: [{ id: few, label: Few repos }] }
onGo: throttle
onNoGo: end:completed
\`\`\`

### 3. Optional note
\`\`\`yaml step
id: note
kind: task
signoff: [SRE]
minutes: 1
\`\`\`

### 4. Throttle
\`\`\`yaml step
id: throttle
kind: action
signoff: [SRE, INCIDENT_COMMANDER]
twoPerson: true
minutes: 2
action: { name: throttle-repo, params: { repos: "{{repos}}", capacityPercent: 50 } }
\`\`\`

### 5. Prune
\`\`\`yaml step
id: prune
kind: action
signoff: [SRE]
minutes: 2
action: { name: set-context-pruning, params: { scope: repo, repo: "{{repo}}", enabled: true } }
\`\`\`
`,
);

/** Steps the first runbook lacks: a link to a child runbook, a two-person step without an action, and a decision whose branches end the run. */
const branches = testRunbook("RB-CORE-901", "Machine Branches", `
### 1. Run the child runbook
\`\`\`yaml step
id: child
kind: link
signoff: [SRE]
minutes: 5
link: RB-CORE-902
\`\`\`

### 2. Confirm the blast radius
\`\`\`yaml step
id: confirm
kind: verification
signoff: [SRE, INFOSEC]
twoPerson: true
minutes: 2
\`\`\`

### 3. Roll back?
\`\`\`yaml step
id: rollback
kind: decision
signoff: [INCIDENT_COMMANDER]
minutes: 2
criteria: { go: [{ id: broken, label: Pilot broken }], noGo: [{ id: fine, label: Pilot fine }] }
onGo: end:rolled-back
onNoGo: end:aborted
\`\`\`

### 4. Fail over
\`\`\`yaml step
id: failover
kind: action
signoff: [SRE]
minutes: 2
action: { name: failover-provider, params: { from: "{{from}}", to: "{{to}}" } }
\`\`\`
`,
);

const person = (id: string, roles: Actor["roles"]): Actor => ({ id, email: `${id}@x`, name: id.toUpperCase(), roles });
const sre = person("sre", ["SRE"]);
const sre2 = person("sre2", ["SRE"]);
const ic = person("ic", ["INCIDENT_COMMANDER"]);
const owner = person("owner", ["REPO_OWNER"]);
const lead = person("lead", ["SRE", "INCIDENT_COMMANDER"]);
const infosec = person("infosec", ["INFOSEC"]);
const now = new Date("2026-11-28T02:00:00Z");

function snapshot(overrides: Partial<Record<string, Partial<StepSnapshot>>> = {}, extra: Partial<RunSnapshot> = {}, rb: Runbook = runbook): RunSnapshot {
  return {
    id: "run-1",
    status: "IN_PROGRESS",
    signatures: [],
    requests: [],
    ...extra,
    steps: rb.steps.map((s) => ({
      stepId: s.id,
      status: "PENDING",
      version: 0,
      request: null,
      requestId: null,
      requestHash: null,
      requestedById: null,
      completedById: null,
      commandState: null,
      childRunStatus: null,
      ...overrides[s.id],
    })),
  };
}
const ctx = (snap: RunSnapshot, actor: Actor, rb: Runbook = runbook) => ({ runbook: rb, snapshot: snap, actor });
const refusal = (code: Refusal["code"], message: string): Refusal => ({ ok: false, code, message });
const ok = (o: ReturnType<typeof signOff>): Plan => {
  if (!o.ok) throw new Error(`refused: ${o.message}`);
  return o;
};

describe("currentStep and effectiveStatus", () => {
  it("is the first unfinished step; a sent command finishes its step only when it succeeds", () => {
    expect(currentStep(snapshot())?.stepId).toBe("triage");
    const s = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "PENDING" } });
    expect(currentStep(s)?.stepId).toBe("throttle");
    expect(effectiveStatus({ ...s.steps[3], commandState: "SUCCEEDED" })).toBe("DONE");
    expect(effectiveStatus({ ...s.steps[3], commandState: "FAILED" })).toBe("FAILED");
    expect(effectiveStatus({ ...s.steps[0], status: "WAITING_CHILD", childRunStatus: "ABORTED" })).toBe("DONE");
  });
  it("a skipped step counts as finished, so the next step becomes current", () => {
    expect(currentStep(snapshot({ triage: { status: "SKIPPED" } }))?.stepId).toBe("decide");
  });
  it("is null once every step is finished", () => {
    expect(currentStep(snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "SKIPPED" }, throttle: { status: "NOT_APPLICABLE" }, prune: { status: "COMMAND_SENT", commandState: "SUCCEEDED" } }))).toBeNull();
  });
  it("a command still queued or being sent shows as sent, neither done nor failed", () => {
    const sent = snapshot({ prune: { status: "COMMAND_SENT" } }).steps[4];
    expect(effectiveStatus({ ...sent, commandState: "PENDING" })).toBe("COMMAND_SENT");
    expect(effectiveStatus({ ...sent, commandState: "SENDING" })).toBe("COMMAND_SENT");
  });
  it("a command held for a person shows as needing a decision (not in flight, not finished), and the step cannot be requested again meanwhile", () => {
    const held = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "SKIPPED" }, throttle: { status: "NOT_APPLICABLE" }, prune: { status: "COMMAND_SENT", commandState: "NEEDS_DECISION" } });
    expect(effectiveStatus(held.steps[4])).toBe("NEEDS_DECISION");
    expect(currentStep(held)?.stepId).toBe("prune");
    expect(requestStep(ctx(held, sre), "prune", { repo: "billing-api" }, now)).toEqual(
      refusal("CONFLICT", "The command for this step is waiting for a decision: retry it or abandon it before requesting the step again."),
    );
  });
  it("names each signer of a one-person step once, from its current request", () => {
    const g = (personId: string, requestId: string | null) => ({ personId, requestId });
    // Sam requested, the command failed, Sam requested again: "Sam", not "Sam and Sam".
    expect(signersShown([g("sam", "r1"), g("sam", "r2")], "r2")).toEqual([g("sam", "r2")]);
    // Sam requested and failed, Jordan requested again: Jordan signed the request that ran.
    expect(signersShown([g("sam", "r1"), g("jordan", "r2")], "r2")).toEqual([g("jordan", "r2")]);
    // Plain sign-offs (no request) are listed once per person.
    expect(signersShown([g("sam", null), g("sam", null), g("ines", null)], null)).toEqual([g("sam", null), g("ines", null)]);
  });
  it("a two-person step requested again after its command failed shows as awaiting signatures, not failed", () => {
    const again = snapshot({ throttle: { status: "AWAITING_SIGNATURES", commandState: "FAILED" } }).steps[3];
    expect(effectiveStatus(again)).toBe("AWAITING_SIGNATURES");
    expect(effectiveStatus({ ...again, commandState: "SUCCEEDED" })).toBe("AWAITING_SIGNATURES");
  });
  it("a link step keeps waiting while its child run is open or not yet recorded", () => {
    const waiting = snapshot({ child: { status: "WAITING_CHILD" } }, {}, branches).steps[0];
    expect(effectiveStatus({ ...waiting, childRunStatus: "IN_PROGRESS" })).toBe("WAITING_CHILD");
    expect(effectiveStatus({ ...waiting, childRunStatus: null })).toBe("WAITING_CHILD");
  });
  it("a link step skipped while its child run was open stays skipped when the child run later ends", () => {
    const skipped = snapshot({ child: { status: "SKIPPED", childRunStatus: "COMPLETED" } }, {}, branches).steps[0];
    expect(effectiveStatus(skipped)).toBe("SKIPPED");
  });
});

describe("every action refuses a step that cannot be acted on now", () => {
  it("refuses anything on an ended run, naming how it ended", () => {
    expect(signOff(ctx(snapshot({}, { status: "ABORTED" }), sre), "triage", {}, now)).toEqual(refusal("CONFLICT", "This run has ended (aborted)."));
    expect(requestStep(ctx(snapshot({}, { status: "ROLLED_BACK" }), sre), "throttle", { repos: "billing-api" }, now)).toEqual(refusal("CONFLICT", "This run has ended (rolled back)."));
    expect(approveStep(ctx(snapshot({}, { status: "COMPLETED" }), ic), "throttle", "a".repeat(64), now)).toEqual(refusal("CONFLICT", "This run has ended (completed)."));
  });
  it("refuses a step the run does not have", () => {
    expect(signOff(ctx(snapshot(), sre), "nope", {}, now)).toEqual(refusal("NOT_FOUND", 'This run has no step "nope".'));
    const withoutRow = { ...snapshot(), steps: snapshot().steps.filter((s) => s.stepId !== "triage") };
    expect(signOff(ctx(withoutRow, sre), "triage", {}, now)).toEqual(refusal("NOT_FOUND", 'This run has no step "triage".'));
  });
  it("refuses a step out of order, naming the step to finish first", () => {
    expect(signOff(ctx(snapshot(), sre), "note", {}, now)).toEqual(refusal("CONFLICT", "Steps go in order: finish step 1 (Triage) first."));
    const atDecide = snapshot({ triage: { status: "DONE" } });
    expect(requestStep(ctx(atDecide, sre), "prune", { repo: "billing-api" }, now)).toEqual(refusal("CONFLICT", "Steps go in order: finish step 2 (Decide) first."));
  });
  it("refuses a person without the step's roles, naming the roles that may sign it", () => {
    expect(signOff(ctx(snapshot(), owner), "triage", {}, now)).toEqual(refusal("FORBIDDEN", "Step 1 is signed off by SRE."));
    const atThrottle = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" } });
    expect(requestStep(ctx(atThrottle, owner), "throttle", { repos: "billing-api" }, now)).toEqual(refusal("FORBIDDEN", "Step 4 is signed off by SRE or Incident commander."));
  });
  it("refuses a step already signed, naming the person who signed that step", () => {
    const snap = snapshot(
      { triage: { status: "DONE", completedById: "sre2" } },
      {
        signatures: [
          { stepId: "decide", personId: "sre2", personName: "Jordan on another step", role: "SRE", requestId: null, requestHash: null, voided: false },
          { stepId: "triage", personId: "sre", personName: "Someone else", role: "SRE", requestId: null, requestHash: null, voided: false },
          { stepId: "triage", personId: "sre2", personName: "Jordan", role: "SRE", requestId: null, requestHash: null, voided: false },
        ],
      },
    );
    expect(signOff(ctx(snap, sre), "triage", {}, now)).toEqual(refusal("CONFLICT", "Step 1 is already signed off by Jordan."));
  });
  it("refuses a step already done without a signature (a decision), without naming anyone", () => {
    const decided = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE", completedById: "ic" } });
    expect(decide(ctx(decided, ic), "decide", { outcome: "GO", reason: "again", criteria: [] }, now)).toEqual(refusal("CONFLICT", "Step 2 is already signed off."));
  });
  it("refuses a step that was skipped or left out by a decision, saying so", () => {
    expect(signOff(ctx(snapshot({ triage: { status: "SKIPPED" } }), sre), "triage", {}, now)).toEqual(refusal("CONFLICT", "Step 1 is already skipped."));
    expect(signOff(ctx(snapshot({ note: { status: "NOT_APPLICABLE" } }), sre), "note", {}, now)).toEqual(refusal("CONFLICT", "Step 3 is already not applicable."));
  });
});

describe("signOff", () => {
  it("completes the current step for a person holding its role", () => {
    const plan = ok(signOff(ctx(snapshot(), sre), "triage", { notes: "flow 42, 429" }, now));
    expect(plan.stepUpdates).toEqual([{ stepId: "triage", expectedVersion: 0, data: { status: "DONE", completedById: "sre", completedAt: now, notes: "flow 42, 429" } }]);
    expect(plan.signature).toEqual({ stepId: "triage", role: "SRE", requestHash: null });
    expect(plan.audit).toEqual({ action: "run.step.signed", details: { stepId: "triage", title: "Triage", notes: "flow 42, 429" } });
  });
  it("records a sign-off without notes as having no notes", () => {
    const plan = ok(signOff(ctx(snapshot(), sre), "triage", {}, now));
    expect(plan.stepUpdates[0].data.notes).toBeNull();
    expect(plan.audit).toEqual({ action: "run.step.signed", details: { stepId: "triage", title: "Triage", notes: null } });
  });
  it("refuses signing a decision, an action or a two-person step, saying what to do instead", () => {
    const atDecide = snapshot({ triage: { status: "DONE" } });
    expect(signOff(ctx(atDecide, ic), "decide", {}, now)).toEqual(refusal("INVALID", "A go/no-go step is decided, not signed: choose GO or NO-GO with a reason."));
    const atThrottle = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "DONE" } });
    expect(signOff(ctx(atThrottle, sre), "throttle", {}, now)).toEqual(refusal("INVALID", "This step sends a control-plane command: request it with its parameters."));
    const atConfirm = snapshot({ child: { status: "DONE" } }, {}, branches);
    expect(signOff(ctx(atConfirm, sre, branches), "confirm", {}, now)).toEqual(refusal("INVALID", "This step needs two people: request it, then two others approve."));
  });
  it("signing a link step opens its child run and waits for it", () => {
    const plan = ok(signOff(ctx(snapshot({ child: { version: 2 } }, {}, branches), sre, branches), "child", {}, now));
    expect(plan.stepUpdates).toEqual([{ stepId: "child", expectedVersion: 2, data: { status: "WAITING_CHILD", notes: null } }]);
    expect(plan.signature).toEqual({ stepId: "child", role: "SRE", requestHash: null });
    expect(plan.openChild).toEqual({ stepId: "child", runbookId: "RB-CORE-902" });
    expect(plan.audit).toEqual({ action: "run.step.child_opened", details: { stepId: "child", runbookId: "RB-CORE-902" } });
    expect(plan.endRun).toBeUndefined();
  });
  it("does not open a second child run while the first is open", () => {
    const waiting = snapshot({ child: { status: "WAITING_CHILD", childRunStatus: "IN_PROGRESS" } }, {}, branches);
    expect(signOff(ctx(waiting, sre, branches), "child", {}, now)).toEqual(refusal("CONFLICT", "RB-CORE-902 is already open as a child run; finish it to continue."));
  });
});

describe("decide", () => {
  const atDecide = snapshot({ triage: { status: "DONE" } });
  it("GO follows the branch: steps jumped over become not applicable", () => {
    const plan = ok(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: "7 repos failing", criteria: [] }, now));
    expect(plan.stepUpdates.map((u) => [u.stepId, u.data.status])).toEqual([
      ["decide", "DONE"],
      ["note", "NOT_APPLICABLE"],
    ]);
    expect(plan.decision).toMatchObject({ outcome: "GO", reason: "7 repos failing" });
    expect(plan.endRun).toBeUndefined();
  });
  it("records the trimmed reason, the criteria and where the run goes next", () => {
    const criteria = [{ id: "many", label: "Many repos", side: "go" as const, checked: true, value: 7 }];
    const plan = ok(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: "  7 repos failing  ", criteria }, now));
    expect(plan.decision).toEqual({ stepId: "decide", outcome: "GO", reason: "7 repos failing", criteria });
    expect(plan.audit).toEqual({ action: "run.step.decided", details: { stepId: "decide", outcome: "GO", reason: "7 repos failing", next: "throttle", criteria } });
  });
  it("NO-GO to end:completed ends the run and closes the remaining steps", () => {
    const plan = ok(decide(ctx(atDecide, ic), "decide", { outcome: "NO_GO", reason: " fix in 10 min ", criteria: [] }, now));
    expect(plan.endRun).toEqual({ status: "COMPLETED", reason: "NO-GO at step 2: fix in 10 min" });
    expect(plan.stepUpdates.filter((u) => u.data.status === "NOT_APPLICABLE").map((u) => u.stepId)).toEqual(["note", "throttle", "prune"]);
  });
  it("GO to end:rolled-back ends the run as rolled back", () => {
    const atRollback = snapshot({ child: { status: "DONE" }, confirm: { status: "DONE" } }, {}, branches);
    const plan = ok(decide(ctx(atRollback, ic, branches), "rollback", { outcome: "GO", reason: "pilot broken", criteria: [] }, now));
    expect(plan.endRun).toEqual({ status: "ROLLED_BACK", reason: "GO at step 3: pilot broken" });
    expect(plan.stepUpdates.map((u) => [u.stepId, u.data.status])).toEqual([
      ["rollback", "DONE"],
      ["failover", "NOT_APPLICABLE"],
    ]);
  });
  it("NO-GO to end:aborted ends the run as aborted", () => {
    const atRollback = snapshot({ child: { status: "DONE" }, confirm: { status: "DONE" } }, {}, branches);
    const plan = ok(decide(ctx(atRollback, ic, branches), "rollback", { outcome: "NO_GO", reason: "pilot fine", criteria: [] }, now));
    expect(plan.endRun).toEqual({ status: "ABORTED", reason: "NO-GO at step 3: pilot fine" });
  });
  it("needs a reason of at least three characters and the decider's role", () => {
    expect(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: " ", criteria: [] }, now)).toEqual(refusal("INVALID", "Give the reason for the decision."));
    expect(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: " ab ", criteria: [] }, now)).toEqual(refusal("INVALID", "Give the reason for the decision."));
    expect(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: "abc", criteria: [] }, now).ok).toBe(true);
    expect(decide(ctx(atDecide, sre), "decide", { outcome: "GO", reason: "because", criteria: [] }, now)).toEqual(refusal("FORBIDDEN", "Step 2 is signed off by Incident commander."));
  });
  it("refuses deciding a step that is not a decision", () => {
    expect(decide(ctx(snapshot(), sre), "triage", { outcome: "GO", reason: "because", criteria: [] }, now)).toEqual(refusal("INVALID", "This step is not a go/no-go decision."));
  });
});

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
    expect(plan.enqueue).toEqual({ stepId: "throttle", action: "throttle-repo", params: { repos: ["billing-api", "checkout-web"], capacityPercent: 50 } });
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

describe("skip and abort", () => {
  it("only the incident commander skips, with a reason, and only the current step", () => {
    expect(skip(ctx(snapshot(), sre), "triage", "reason")).toEqual(refusal("FORBIDDEN", "Only the incident commander may skip a step."));
    expect(skip(ctx(snapshot(), ic), "triage", "")).toEqual(refusal("INVALID", "Give the reason for skipping this step."));
    expect(skip(ctx(snapshot(), ic), "note", "later step")).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(ok(skip(ctx(snapshot(), ic), "triage", "done on the call")).stepUpdates[0].data).toMatchObject({ status: "SKIPPED", skipReason: "done on the call" });
  });
  it("a skip reason needs three characters after trimming, and is stored and audited trimmed", () => {
    expect(skip(ctx(snapshot(), ic), "triage", " ab ")).toEqual(refusal("INVALID", "Give the reason for skipping this step."));
    const plan = ok(skip(ctx(snapshot({ triage: { version: 4 } }), ic), "triage", "  dup  "));
    expect(plan.stepUpdates).toEqual([{ stepId: "triage", expectedVersion: 4, data: { status: "SKIPPED", skipReason: "dup", completedById: "ic" } }]);
    expect(plan.audit).toEqual({ action: "run.step.skipped", details: { stepId: "triage", title: "Triage", reason: "dup" } });
  });
  it("only the incident commander aborts, with a reason, a run still in progress", () => {
    expect(abort(ctx(snapshot(), sre), "why")).toEqual(refusal("FORBIDDEN", "Only the incident commander may abort a run."));
    expect(abort(ctx(snapshot(), ic), "")).toEqual(refusal("INVALID", "Give the reason for aborting the run."));
    expect(abort(ctx(snapshot({}, { status: "COMPLETED" }), ic), "late")).toEqual(refusal("CONFLICT", "This run has already ended."));
    expect(ok(abort(ctx(snapshot(), ic), "false alarm")).endRun).toEqual({ status: "ABORTED", reason: "false alarm" });
  });
  it("an abort reason needs three characters after trimming; the run ends without touching steps and is audited", () => {
    expect(abort(ctx(snapshot(), ic), " ab ")).toEqual(refusal("INVALID", "Give the reason for aborting the run."));
    expect(abort(ctx(snapshot(), ic), "  dup  ")).toEqual({ ok: true, stepUpdates: [], endRun: { status: "ABORTED", reason: "dup" }, audit: { action: "run.aborted", details: { reason: "dup" } } });
  });
});

describe("finalStatus", () => {
  it("a finished rollback-to-pilot run ends as rolled back, any other as completed", () => {
    expect(finalStatus({ ...runbook, id: "RB-LAUNCH-002" })).toBe("ROLLED_BACK");
    expect(finalStatus(runbook)).toBe("COMPLETED");
    expect(finalStatus({ ...runbook, id: "RB-LAUNCH-001" })).toBe("COMPLETED");
  });
});
