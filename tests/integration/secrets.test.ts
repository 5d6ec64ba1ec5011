/**
 * Issue 14, item 6: no secrets into the log. Text that looks like a credential is refused by the action's input
 * parse, before its transaction, so neither the record nor the append-only audit log (nor the server log) holds it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ActionResult } from "@/lib/actions/result";
import { executeAction } from "@/lib/actions/safe-action";
import { verifyChain } from "@/lib/audit/log";
import type { Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { log } from "@/lib/log";
import { addEvidenceAction, signStepAction } from "@/lib/runs/actions";
import { startRunAction } from "@/lib/runs/start-run";
import { fakeSecrets } from "@/lib/validation/fake-secrets";
import { secretMessage } from "@/lib/validation/secrets";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor;
let runId: string;

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  const started = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-001" });
  if (!started.ok) throw new Error(started.message);
  runId = started.data.runId;
  expect(await executeAction(addEvidenceAction, sre, { runId, stepId: "triage", text: "Error rate 12% on billing-api since 09:10." })).toMatchObject({ ok: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await client.$disconnect();
});

const triage = () => client.stepState.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: "triage" } } });

/** Everything the portal keeps: the run's step, incidents, and the whole audit log. */
async function stored() {
  const events = await client.auditEvent.findMany({ orderBy: { seq: "asc" } });
  return { step: await triage(), incidents: await client.incident.findMany({ orderBy: { id: "asc" } }), events, text: JSON.stringify(events, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) };
}

/** Calls of the server log during `fn`, as text. */
async function logged<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string }> {
  const spies = (["debug", "info", "warn", "error"] as const).map((level) => vi.spyOn(log, level));
  const result = await fn();
  return { result, lines: JSON.stringify(spies.flatMap((s) => s.mock.calls)) };
}

describe("a credential typed into free text is refused before anything is stored", () => {
  it.each([
    ["evidence text", "OpenAI API key", fakeSecrets.openai, "text", () => executeAction(addEvidenceAction, sre, { runId, stepId: "triage", text: `Request failed with key ${fakeSecrets.openai}` })],
    ["evidence link", "Google API key", fakeSecrets.google, "url", () => executeAction(addEvidenceAction, sre, { runId, stepId: "triage", text: "Dashboard", url: `https://maps.example.com/?key=${fakeSecrets.google}` })],
    ["sign-off notes", "AWS secret access key", fakeSecrets.awsSecret, "notes", () => executeAction(signStepAction, sre, { runId, stepId: "triage", notes: `Rotated: ${fakeSecrets.awsSecret}` })],
    ["incident title", "GitHub token", fakeSecrets.github, "title", () => executeAction(declareIncidentAction, sre, { title: `Leaked ${fakeSecrets.github}`, severity: "P2" })],
  ] as const)("%s: refused naming the %s; the record, the audit log and the server log are unchanged", async (_what, kind, secret, field, act) => {
    const before = await stored();
    const { result, lines } = await logged<ActionResult<unknown>>(act);

    expect(result).toEqual({ ok: false, code: "INVALID", message: `Some fields need attention: ${secretMessage(kind)}`, fieldErrors: { [field]: [secretMessage(kind)] } });
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(lines).toContain("action.invalid");
    expect(lines).not.toContain(secret);

    const after = await stored();
    // Today the wrapper audits no event for input it cannot parse, so the log is exactly as it was.
    expect(after.events.length).toBe(before.events.length);
    expect(after.text).toBe(before.text);
    expect(after.text).not.toContain(secret);
    expect(after.step).toEqual(before.step);
    expect(after.incidents).toEqual(before.incidents);
  });

  it("still stores ordinary evidence, and the chain verifies", async () => {
    expect(await executeAction(addEvidenceAction, sre, { runId, stepId: "triage", text: "Rolled back to 9fceb02d0ae598e95dc970b74767f19372d61af8 per RB-CORE-005." })).toMatchObject({ ok: true });
    expect(((await triage()).evidence as { text: string }[]).map((e) => e.text)).toEqual(["Error rate 12% on billing-api since 09:10.", "Rolled back to 9fceb02d0ae598e95dc970b74767f19372d61af8 per RB-CORE-005."]);
    const { text } = await stored();
    for (const secret of Object.values(fakeSecrets)) expect(text).not.toContain(secret);
    expect((await verifyChain(client)).ok).toBe(true);
  });
});
