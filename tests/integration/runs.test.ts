import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { addEvidenceAction, approveStepAction, decideStepAction, requestStepAction, signStepAction, skipStepAction, abortRunAction } from "@/lib/runs/actions";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { startRun } from "../support/runs";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor, sre2: Actor, ic: Actor, owner: Actor, tl: Actor;

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  sre2 = await actorByEmail(client, "jordan.lee@ops.example");
  ic = await actorByEmail(client, "ines.carter@ops.example");
  owner = await actorByEmail(client, "rui.costa@ops.example");
  tl = await actorByEmail(client, "priya.natarajan@ops.example");
});
afterAll(async () => {
  await client.$disconnect();
});

const start = (runbookId: string, actor = sre) => startRun(actor, runbookId);
const step = (runId: string, stepId: string) => client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId } } });

describe("run execution on PostgreSQL", () => {
  it("20 concurrent sign-offs of one step: exactly one wins, 19 conflicts, one audit event", async () => {
    const runId = await start("RB-CORE-001");
    // Twenty SREs (the same seeded SRE would be refused as a repeat; distinct people race for the step).
    const people: Actor[] = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const p = await client.person.create({ data: { email: `racer${i}@ops.example`, name: `Racer ${i}`, roles: ["SRE"] } });
        return { id: p.id, email: p.email, name: p.name, roles: p.roles };
      }),
    );
    const before = await client.auditEvent.count({ where: { action: "run.step.signed", targetId: runId } });
    const results = await Promise.all(people.map((p) => executeAction(signStepAction, p, { runId, stepId: "triage", notes: `by ${p.name}` })));
    const wins = results.filter((r) => r.ok);
    const conflicts = results.filter((r) => !r.ok && r.code === "CONFLICT");
    expect(wins).toHaveLength(1);
    expect(conflicts).toHaveLength(19);
    const winner = await step(runId, "triage");
    expect(winner.status).toBe("DONE");
    const winnerName = (await client.person.findUniqueOrThrow({ where: { id: winner.completedById! } })).name;
    for (const c of conflicts) if (!c.ok) expect(c.message).toMatch(new RegExp(`already signed off by ${winnerName}|changed this run`));
    expect(await client.auditEvent.count({ where: { action: "run.step.signed", targetId: runId } })).toBe(before + 1);
    expect(await client.signature.count({ where: { runId, stepId: "triage" } })).toBe(1);
  });

  it("records a preselected flow as evidence on the first step", async () => {
    const r = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-001", flowId: "flow-123abc" });
    if (!r.ok) throw new Error(r.message);
    expect((await step(r.data.runId, "triage")).evidence).toEqual([expect.objectContaining({ text: "Flow flow-123abc (preselected when the run was started)", by: "Sam Rivera" })]);
    expect(await executeAction(startRunAction, sre, { runbookId: "RB-CORE-001", flowId: "<script>" })).toMatchObject({ ok: false, code: "INVALID" });
  });

  it("keeps every piece of evidence added at the same moment, and refuses an unknown step", async () => {
    const runId = await start("RB-CORE-001");
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => executeAction(addEvidenceAction, i % 2 ? sre : sre2, { runId, stepId: "triage", text: `note ${i}` })));
    expect(results.every((r) => r.ok)).toBe(true);
    const texts = ((await step(runId, "triage")).evidence as { text: string }[]).map((e) => e.text);
    expect(texts.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `note ${i}`).sort());
    expect(await client.auditEvent.count({ where: { action: "run.step.evidence_added", targetId: runId } })).toBe(10);
    const unknown = await executeAction(addEvidenceAction, sre, { runId, stepId: "no-such-step", text: "lost" });
    expect(unknown).toMatchObject({ ok: false, code: "NOT_FOUND" });
  });

  it("keeps steps in order and checks the step's roles on the server", async () => {
    const runId = await start("RB-CORE-001");
    const outOfOrder = await executeAction(signStepAction, sre, { runId, stepId: "diagnosis" });
    expect(outOfOrder).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(outOfOrder.ok ? "" : outOfOrder.message).toMatch(/Steps go in order/);
    const wrongRole = await executeAction(signStepAction, tl, { runId, stepId: "triage" });
    expect(wrongRole).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const ownerRefused = await executeAction(signStepAction, owner, { runId, stepId: "triage" });
    expect(ownerRefused).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const refusals = await client.auditEvent.count({ where: { action: "run.step.signed", outcome: "refused", actorId: { in: [tl.id, owner.id] } } });
    expect(refusals).toBe(2);
    expect((await step(runId, "triage")).status).toBe("PENDING");
  });

  it("lets only the incident commander skip, with a reason", async () => {
    const runId = await start("RB-CORE-001");
    expect(await executeAction(skipStepAction, sre, { runId, stepId: "triage", reason: "not needed here" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(skipStepAction, ic, { runId, stepId: "triage", reason: "" })).toMatchObject({ ok: false, code: "INVALID" });
    expect(await executeAction(skipStepAction, ic, { runId, stepId: "triage", reason: "Triage done on the incident call" })).toMatchObject({ ok: true });
    expect(await step(runId, "triage")).toMatchObject({ status: "SKIPPED", skipReason: "Triage done on the incident call", completedById: ic.id });
    const diag = await step(runId, "diagnosis");
    expect(diag.currentSince).not.toBeNull();
  });

  it("runs RB-LAUNCH-002 with a GO decision, the two-person rule and a voided signature on a changed request", async () => {
    const runId = await start("RB-LAUNCH-002", ic);
    const decided = await executeAction(decideStepAction, ic, { runId, stepId: "go-no-go", outcome: "GO", reason: "6 repos failing, root cause unknown after 15 min", checked: ["p1-five-repos", "root-cause-unknown-15"] });
    expect(decided).toMatchObject({ ok: true });
    const decision = await client.decision.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "go-no-go" } } });
    expect(decision.outcome).toBe("GO");
    expect(decision.criteria).toEqual(expect.arrayContaining([expect.objectContaining({ id: "p1-five-repos", checked: true, side: "go" }), expect.objectContaining({ id: "pilot-unaffected", checked: false, side: "noGo" })]));

    expect((await executeAction(signStepAction, sre, { runId, stepId: "pre-rollback", notes: "settings snapshot saved" })).ok).toBe(true);

    // The rollback needs two people, neither of them the requester.
    const requested = await executeAction(requestStepAction, sre, { runId, stepId: "set-allowlist-pilot" });
    expect(requested.ok).toBe(true);
    const pending = await step(runId, "set-allowlist-pilot");
    expect(pending.status).toBe("AWAITING_SIGNATURES");
    const hash = pending.requestHash!;
    expect(await executeAction(approveStepAction, sre, { runId, stepId: "set-allowlist-pilot", requestHash: hash })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(approveStepAction, sre2, { runId, stepId: "set-allowlist-pilot", requestHash: hash })).toMatchObject({ ok: true });
    expect(await executeAction(approveStepAction, sre2, { runId, stepId: "set-allowlist-pilot", requestHash: hash })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await client.command.count({ where: { runId } })).toBe(0);

    // A second request (same parameters here, but a fresh request) keeps matching signatures; a stale hash is refused.
    expect(await executeAction(approveStepAction, ic, { runId, stepId: "set-allowlist-pilot", requestHash: "0".repeat(64) })).toMatchObject({ ok: false, code: "CONFLICT" });
    const approved = await executeAction(approveStepAction, ic, { runId, stepId: "set-allowlist-pilot", requestHash: hash });
    expect(approved.ok).toBe(true);
    const sent = await step(runId, "set-allowlist-pilot");
    expect(sent.status).toBe("COMMAND_SENT");
    const command = await client.command.findUniqueOrThrow({ where: { id: sent.commandId! } });
    expect(command).toMatchObject({ action: "rollback-to-pilot", state: "PENDING", requestHash: hash, runId, stepId: "set-allowlist-pilot", requestedById: ic.id });
    const sigs = await client.signature.findMany({ where: { runId, stepId: "set-allowlist-pilot", voidedAt: null } });
    expect(sigs.map((s) => s.personId).sort()).toEqual([sre2.id, ic.id].sort());
    expect(sigs.every((s) => s.requestHash === hash)).toBe(true);

    // Until the command succeeds the next step waits.
    expect(await executeAction(requestStepAction, sre, { runId, stepId: "scale-down" })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect((await verifyChain(client)).ok).toBe(true);
  });

  it("a NO-GO decision that ends the run marks the rest not applicable", async () => {
    const runId = await start("RB-LAUNCH-002", ic);
    const r = await executeAction(decideStepAction, ic, { runId, stepId: "go-no-go", outcome: "NO_GO", reason: "Fix ETA 10 minutes, 2 repos affected", checked: ["fix-eta-30", "three-or-fewer", "pilot-unaffected"] });
    expect(r.ok).toBe(true);
    const run = await client.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } });
    expect(run.status).toBe("ABORTED");
    expect(run.steps.filter((s) => s.stepId !== "go-no-go").every((s) => s.status === "NOT_APPLICABLE")).toBe(true);
  });

  it("a link step opens a child run, and the parent moves on when the child ends", async () => {
    const runId = await start("RB-CORE-001");
    await executeAction(signStepAction, sre, { runId, stepId: "triage" });
    await executeAction(signStepAction, sre, { runId, stepId: "diagnosis" });
    const opened = await executeAction(signStepAction, sre, { runId, stepId: "timeout-recovery" });
    expect(opened.ok).toBe(true);
    const link = await step(runId, "timeout-recovery");
    expect(link.status).toBe("WAITING_CHILD");
    const child = await client.run.findUniqueOrThrow({ where: { id: link.childRunId! } });
    expect(child).toMatchObject({ runbookId: "RB-CORE-002", parentRunId: runId, parentStepId: "timeout-recovery" });
    expect(await executeAction(signStepAction, sre, { runId, stepId: "resolution" })).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await executeAction(abortRunAction, ic, { runId: child.id, reason: "Not a timeout after all" })).toMatchObject({ ok: true });
    expect((await step(runId, "resolution")).currentSince).not.toBeNull();
    expect(await executeAction(signStepAction, sre, { runId, stepId: "resolution" })).toMatchObject({ ok: true });
  });
});
