/**
 * Follow-ups, runbook reviews and escalation contacts (issue 19): who may act (the permission table, then the object:
 * the run's people, the incident's managers, the runbook's owners), bad input that changes nothing, the audit event
 * of every change, and the change-log entry a runbook gap needs to close as done.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

import { executeAction } from "@/lib/actions/safe-action";
import { startRunAction } from "@/lib/runs/start-run";
import { abortRunAction, escalateRunAction } from "@/lib/runs/actions";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { addFollowUpAction, closeFollowUpAction } from "@/lib/followups/actions";
import { recordReviewAction } from "@/lib/reviews/actions";
import { overdueWork, openGapCounts } from "@/lib/followups/read";
import { reviewStates } from "@/lib/reviews/read";
import { changelogKey } from "@/lib/reviews/changelog";
import { addCadence } from "@/lib/reviews/schedule";
import { getRunbook } from "@/lib/runbooks";
import type { Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import { actorByEmail, useFreshDatabase } from "./db";

let client: Db;
let sre: Actor, ic: Actor, auditor: Actor, repoOwner: Actor, business: Actor;
let runId: string;

const followUps = () => client.followUp.findMany({ orderBy: { createdAt: "asc" } });
const reviews = () => client.runbookReview.count();
const eventsOf = (action: string) => client.auditEvent.findMany({ where: { action, outcome: "allowed" }, orderBy: { seq: "asc" } });
const gap = (extra: Record<string, unknown> = {}) => ({ runId, title: "Step 1 should say how to test each provider's API", ownerId: sre.id, dueOn: "2026-01-10", runbookId: "RB-CORE-004", stepId: "confirm-scope", ...extra });

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  [sre, ic, auditor, repoOwner, business] = await Promise.all(
    ["sam.rivera", "ines.carter", "ada.mensah", "rui.costa", "ben.ortiz"].map((n) => actorByEmail(client, `${n}@ops.example`)),
  );
  const started = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-004" });
  if (!started.ok) throw new Error(started.message);
  runId = started.data.runId;
});
afterAll(async () => {
  await client.$disconnect();
});

describe("follow-ups", () => {
  it("refuses roles the table or the run does not allow, and changes nothing", async () => {
    expect(await executeAction(addFollowUpAction, auditor, gap())).toMatchObject({ ok: false, code: "FORBIDDEN" });
    // A repo owner holds followup.manage but does not sign RB-CORE-004's steps.
    expect(await executeAction(addFollowUpAction, repoOwner, gap())).toMatchObject({ ok: false, code: "FORBIDDEN", message: expect.stringMatching(/RB-CORE-004/) });
    expect(await followUps()).toHaveLength(0);
    const refused = await client.auditEvent.findMany({ where: { action: "followup.added", outcome: "refused" } });
    expect(refused.map((e) => e.actorId).sort()).toEqual([auditor.id, repoOwner.id].sort());
  });

  it.each([
    ["no title", { title: "" }, "title"],
    ["an impossible date", { dueOn: "2026-02-30" }, "dueOn"],
    ["no owner", { ownerId: "" }, "ownerId"],
    ["both an RCA and an incident", { incidentId: "00000000-0000-4000-8000-000000000000" }, "runId"],
    ["a step without its runbook", { runbookId: "" }, "stepId"],
  ])("refuses %s and changes nothing", async (_what, extra, field) => {
    const r = await executeAction(addFollowUpAction, sre, gap(extra));
    expect(r).toMatchObject({ ok: false, code: "INVALID" });
    expect(r.ok ? null : r.fieldErrors?.[field]).toBeTruthy();
    expect(await followUps()).toHaveLength(0);
  });

  it("refuses a step the runbook does not have, or an owner who does not exist", async () => {
    expect(await executeAction(addFollowUpAction, sre, gap({ stepId: "no-such-step" }))).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { stepId: [expect.stringMatching(/no step "no-such-step"/)] } });
    expect(await executeAction(addFollowUpAction, sre, gap({ ownerId: "00000000-0000-4000-8000-000000000000" }))).toMatchObject({ ok: false, code: "INVALID" });
    expect(await followUps()).toHaveLength(0);
  });

  it("adds a runbook gap with its audit event; it shows on the runbook and, overdue, on its owner's start page and the dashboard", async () => {
    // The run ends first: RCAs are written after it.
    expect(await executeAction(abortRunAction, ic, { runId, reason: "Provider recovered; writing the RCA" })).toMatchObject({ ok: true });
    const r = await executeAction(addFollowUpAction, sre, gap());
    expect(r).toMatchObject({ ok: true });
    const [row] = await followUps();
    expect(row).toMatchObject({ runId, ownerId: sre.id, state: "OPEN", runbookId: "RB-CORE-004", stepId: "confirm-scope", createdById: sre.id });
    const [event] = await eventsOf("followup.added");
    expect(event).toMatchObject({ actorId: sre.id, targetType: "run", targetId: runId });
    expect(event.details).toMatchObject({ followUpId: row.id, ownerId: sre.id, dueOn: "2026-01-10", runbookId: "RB-CORE-004", stepId: "confirm-scope" });

    expect(await openGapCounts()).toEqual({ "RB-CORE-004": 1 });
    const now = new Date("2026-01-11T09:00:00Z");
    expect((await overdueWork(sre, "mine", now)).followUps.map((f) => f.id)).toEqual([row.id]);
    expect((await overdueWork(ic, "mine", now)).followUps).toEqual([]);
    expect((await overdueWork(ic, "all", now)).followUps.map((f) => f.ownerName)).toEqual(["Sam Rivera"]);
    // Not overdue on its due date.
    expect((await overdueWork(sre, "mine", new Date("2026-01-10T23:00:00Z"))).followUps).toEqual([]);
  });

  it("closes a runbook gap as done only with an entry of that runbook's change log", async () => {
    const [row] = await followUps();
    const close = (extra: Record<string, unknown>, who = sre) => executeAction(closeFollowUpAction, who, { followUpId: row.id, version: 0, outcome: "done", ...extra });
    expect(await close({})).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { changelogKey: [expect.stringMatching(/change log/)] } });
    expect(await close({ changelogKey: "0123456789ab" })).toMatchObject({ ok: false, code: "INVALID" });
    const own = new Set(getRunbook("RB-CORE-004")!.changelog.map(changelogKey));
    const foreign = getRunbook("RB-LAUNCH-001")!.changelog.map(changelogKey).find((k) => !own.has(k))!;
    expect(await close({ changelogKey: foreign })).toMatchObject({ ok: false, code: "INVALID", message: expect.stringMatching(/not in RB-CORE-004's change log/) });
    expect(await close({ changelogKey: [...own][0] }, auditor)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect((await followUps())[0]).toMatchObject({ state: "OPEN", version: 0, fixedBy: null });

    const entry = getRunbook("RB-CORE-004")!.changelog[0];
    expect(await close({ changelogKey: changelogKey(entry) })).toMatchObject({ ok: true, data: { state: "DONE" } });
    expect((await followUps())[0]).toMatchObject({ state: "DONE", version: 1, closedById: sre.id, fixedBy: { date: entry.date, change: entry.change } });
    const [event] = await eventsOf("followup.closed");
    expect(event).toMatchObject({ actorId: sre.id, targetType: "follow_up", targetId: row.id });
    expect(event.details).toMatchObject({ state: "DONE", runbookId: "RB-CORE-004", fixedBy: { key: changelogKey(entry) } });
    expect(await openGapCounts()).toEqual({});
    // Closed is closed: a second close (a stale page) changes nothing.
    expect(await executeAction(closeFollowUpAction, sre, { followUpId: row.id, version: 1, outcome: "wont-do", reason: "Changed my mind" })).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("an incident's follow-up is managed by incident managers; its owner may close it as won't do, with a reason", async () => {
    const incident = await executeAction(declareIncidentAction, ic, { title: "Follow-up fixture incident", severity: "P2" });
    if (!incident.ok) throw new Error(incident.message);
    const incidentId = incident.data.incidentId;
    const add = { incidentId, title: "Ask the provider for a post-mortem", ownerId: business.id, dueOn: "2026-12-20" };
    expect(await executeAction(addFollowUpAction, business, add)).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const r = await executeAction(addFollowUpAction, ic, add);
    if (!r.ok) throw new Error(r.message);
    const id = r.data.followUpId;
    expect(await executeAction(closeFollowUpAction, business, { followUpId: id, version: 0, outcome: "wont-do" })).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { reason: expect.anything() } });
    expect(await executeAction(closeFollowUpAction, repoOwner, { followUpId: id, version: 0, outcome: "wont-do", reason: "Not mine" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await executeAction(closeFollowUpAction, business, { followUpId: id, version: 0, outcome: "wont-do", reason: "The provider publishes none" })).toMatchObject({ ok: true, data: { state: "WONT_DO" } });
    expect(await client.followUp.findUniqueOrThrow({ where: { id } })).toMatchObject({ state: "WONT_DO", closeReason: "The provider publishes none", closedById: business.id });
  });

  it("lists P1/P2 RCAs past their 48-hour due date for the run's starter and on the dashboard", async () => {
    const later = new Date(Date.now() + 49 * 3600_000);
    expect((await overdueWork(sre, "mine", later)).rcas.map((r) => r.runId)).toEqual([runId]);
    expect((await overdueWork(ic, "mine", later)).rcas).toEqual([]);
    expect((await overdueWork(ic, "all", later)).rcas.map((r) => r.owner)).toEqual(["Sam Rivera"]);
    expect((await overdueWork(sre, "mine", new Date(Date.now() + 47 * 3600_000))).rcas).toEqual([]);
  });
});

describe("runbook reviews", () => {
  it("refuses people outside the runbook's owner roles, and bad input, changing nothing", async () => {
    expect(await executeAction(recordReviewAction, auditor, { runbookId: "RB-CORE-004", outcome: "no-change" })).toMatchObject({ ok: false, code: "FORBIDDEN" });
    // Business may review runbooks, but RB-CORE-004 is owned by SRE only.
    expect(await executeAction(recordReviewAction, business, { runbookId: "RB-CORE-004", outcome: "no-change" })).toMatchObject({ ok: false, code: "FORBIDDEN", message: expect.stringMatching(/owners \(SRE\)/) });
    expect(await executeAction(recordReviewAction, sre, { runbookId: "RB-CORE-004", outcome: "changelog" })).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { changelogKey: expect.anything() } });
    expect(await executeAction(recordReviewAction, sre, { runbookId: "RB-CORE-004", outcome: "changelog", changelogKey: "0123456789ab" })).toMatchObject({ ok: false, code: "INVALID" });
    expect(await executeAction(recordReviewAction, sre, { runbookId: "RB-CORE-999", outcome: "no-change" })).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await reviews()).toBe(0);
    expect((await reviewStates())["RB-CORE-004"]).toMatchObject({ last: null, overdue: true });
  });

  it("records a review with its audit event, which moves the next review one cadence from today", async () => {
    // Business owns RB-LAUNCH-004 (with SRE).
    const entry = getRunbook("RB-LAUNCH-004")!.changelog[0];
    const r = await executeAction(recordReviewAction, business, { runbookId: "RB-LAUNCH-004", outcome: "changelog", changelogKey: changelogKey(entry), note: "Thresholds still right" });
    expect(r).toMatchObject({ ok: true });
    const today = new Date().toISOString().slice(0, 10);
    expect((await reviewStates())["RB-LAUNCH-004"]).toMatchObject({ last: today, next: addCadence(today, "quarterly"), overdue: false, lastBy: "Ben Ortiz" });
    const [event] = await eventsOf("runbook.reviewed");
    expect(event).toMatchObject({ actorId: business.id, targetType: "runbook", targetId: "RB-LAUNCH-004" });
    expect(event.details).toMatchObject({ outcome: "changelog", cadence: "quarterly", changelog: { date: entry.date } });
  });
});

describe("escalation contacts", () => {
  it("names the contact of the level escalated to in the notification", async () => {
    const started = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-004" });
    if (!started.ok) throw new Error(started.message);
    expect(await executeAction(escalateRunAction, sre, { runId: started.data.runId, reason: "Two providers down" })).toMatchObject({ ok: true, data: { level: "L2" } });
    const n = await client.notification.findFirstOrThrow({ where: { kind: "run.escalated" }, orderBy: { createdAt: "desc" } });
    const payload = n.payload as { text: string; contact: string };
    expect(payload.contact).toMatch(/^Incident Commander: @incident-commander \(slack\), https:\/\/company\.pagerduty\.com \(pagerduty\) — 24\/7 \(P1 only\), pages$/);
    expect(payload.text).toContain("Contact Incident Commander: @incident-commander (slack)");
  });
});
