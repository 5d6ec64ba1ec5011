/** The run state machine: what is current, what every action refuses, sign-offs, decisions, skips and aborts. Requests and approvals: machine-requests.test.ts. */
import { describe, expect, it } from "vitest";
import { abort, approveStep, currentStep, decide, effectiveStatus, finalStatus, requestStep, signersShown, signOff, skip } from "./machine";
import { branches, ctx, ic, now, ok, owner, refusal, runbook, snapshot, sre } from "./test-machine";

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
