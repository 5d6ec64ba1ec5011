import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor;
let owner: Actor;
let baseline: { runs: number; events: number };

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  owner = await actorByEmail(client, "rui.costa@ops.example");
});
afterAll(async () => {
  await client.$disconnect();
});

async function counts() {
  return { runs: await client.run.count(), events: await client.auditEvent.count() };
}

describe("the mutation path: session → parse → permission → transaction with audit", () => {
  it("starts a run for an SRE and records it with its audit event", async () => {
    const before = await counts();
    const result = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-001" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const run = await client.run.findUniqueOrThrow({ where: { id: result.data.runId }, include: { runbook: true } });
    expect(run).toMatchObject({ runbookId: "RB-CORE-001", startedById: sre.id, status: "IN_PROGRESS" });
    expect(run.runbook.source).toContain("id: RB-CORE-001");
    const event = await client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ action: "run.start", outcome: "allowed", actorId: sre.id, targetType: "run", targetId: run.id });
    expect(event.details).toMatchObject({ runbookId: "RB-CORE-001", contentHash: run.contentHash });
    expect(await counts()).toEqual({ runs: before.runs + 1, events: before.events + 1 });
    baseline = await counts();
  });

  it("answers a malformed body with field errors and changes nothing", async () => {
    for (const body of [{}, { runbookId: 42 }, { runbookId: "rm -rf /" }, null, "RB-CORE-001", { runbookId: "RB-CORE-001", drill: { x: 1 } }]) {
      const result = await executeAction(startRunAction, sre, body);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.code).toBe("INVALID");
      expect(Object.keys(result.fieldErrors ?? {}).length).toBeGreaterThan(0);
    }
    expect(await counts()).toEqual(baseline);
  });

  it("reports every invalid field, not only the first", async () => {
    const result = await executeAction(startRunAction, sre, { runbookId: 1, drill: 7 });
    expect(result.ok ? [] : Object.keys(result.fieldErrors ?? {}).sort()).toEqual(["drill", "runbookId"]);
  });

  it("refuses without a session and changes nothing; the chain gets one summary for the minute, not an event per call", async () => {
    for (let i = 0; i < 3; i++) {
      const result = await executeAction(startRunAction, null, { runbookId: "RB-CORE-001" });
      expect(result).toMatchObject({ ok: false, code: "UNAUTHENTICATED" });
    }
    const after = await counts();
    expect(after.runs).toBe(baseline.runs);
    expect(after.events).toBe(baseline.events + 1);
    const event = await client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ action: "http.anonymous_refused", outcome: "refused", actorId: null, details: expect.objectContaining({ source: "no-session", endpoint: "run.start" }) });
    baseline = after;
  });

  it("refuses a repo owner (no run.start permission), changes nothing and audits the refusal", async () => {
    const result = await executeAction(startRunAction, owner, { runbookId: "RB-LAUNCH-002" });
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const after = await counts();
    expect(after.runs).toBe(baseline.runs);
    expect(after.events).toBe(baseline.events + 1);
    const event = await client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ action: "run.start", outcome: "refused", actorId: owner.id, actorRoles: ["REPO_OWNER"] });
    baseline = after;
  });

  it("checks the object too: a role with run.start but not among the runbook's start roles is refused", async () => {
    const product: Actor = { ...sre, id: sre.id, roles: ["INFOSEC"] };
    const result = await executeAction(startRunAction, product, { runbookId: "RB-LAUNCH-002" });
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(result.ok ? "" : result.message).toMatch(/may start RB-LAUNCH-002/);
    expect((await counts()).runs).toBe(baseline.runs);
  });

  it("answers an unknown runbook as not found without writing", async () => {
    const result = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-999" });
    expect(result).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect((await counts()).runs).toBe(baseline.runs);
  });

  it("leaves a chain that verifies after all of the above", async () => {
    expect((await verifyChain(client)).ok).toBe(true);
  });
});
