/**
 * Audit review on PostgreSQL: who sees what (data layer and export), the filters, keyset pages while events arrive,
 * streamed CSV/JSON Lines exports with their recorded filter, signed heads (on demand, periodic, verification against
 * an exported head, truncation), and the incident evidence bundle.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomUUID } from "node:crypto";
import pg from "pg";

vi.mock("server-only", () => ({}));
process.env.AUDIT_HMAC_KEY = "test-audit-key-0123456789abcdef";

import { executeAction } from "@/lib/actions/safe-action";
import { appendAudit, verifyChain } from "@/lib/audit/log";
import { headSignatureValid } from "@/lib/audit/chain";
import { exportAuditAction, exportBundleAction, signHeadAction, verifyChainAction, verifyHeadAction } from "@/lib/audit/actions";
import { signHeadIfAdvanced } from "@/lib/audit/head-signer";
import { exportHead, verifyAgainstHead } from "@/lib/audit/heads";
import { bundleMarkdown } from "@/lib/audit/bundle";
import { pgRunner } from "@/lib/sql";
import { auditFilterSchema, type AuditFilter } from "@/lib/validation/audit";
import { getAuditEventDetail, getIncidentBundle, listAuditEvents, openAuditExport, quickChainStatus } from "@/lib/data/audit";
import type { Db } from "@/lib/db";
import type { Actor } from "@/lib/auth/roles";
import { actorByEmail, useFreshDatabase } from "./db";

const KEY = process.env.AUDIT_HMAC_KEY!;
let client: Db;
let superUrl: string;
let sre: Actor;
let sre2: Actor;
let auditor: Actor;
let commander: Actor;
let incidentId: string;
let runId: string;
let commandId: string;
let otherRunId: string;

const filter = (f: Record<string, string>): AuditFilter => auditFilterSchema.parse(f);
async function append(actor: Actor | null, action: string, extra: { outcome?: "allowed" | "refused" | "failed"; target?: { type: string; id: string }; details?: Record<string, unknown> } = {}) {
  return client.$transaction((tx) => appendAudit(tx, { actor, action, requestId: actor ? randomUUID() : null, ...extra }));
}
async function readAll(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

beforeAll(async () => {
  ({ client, superUrl } = await useFreshDatabase({ seed: true }));
  sre = await actorByEmail(client, "sam.rivera@ops.example");
  sre2 = await actorByEmail(client, "jordan.lee@ops.example");
  auditor = await actorByEmail(client, "ada.mensah@ops.example");
  commander = await actorByEmail(client, "ines.carter@ops.example");

  // An incident with a run (and its command), another run outside it, and a spread of events around them.
  await client.runbookVersion.create({ data: { contentHash: "test-hash", runbookId: "RB-CORE-001", source: "# test" } });
  const incident = await client.incident.create({ data: { title: "Checkout failing", severity: "P1", source: "PERSON", detectedAt: new Date() } });
  incidentId = incident.id;
  runId = (await client.run.create({ data: { runbookId: "RB-CORE-001", contentHash: "test-hash", startedById: sre.id, incidentId } })).id;
  otherRunId = (await client.run.create({ data: { runbookId: "RB-CORE-001", contentHash: "test-hash", startedById: sre2.id } })).id;
  commandId = (await client.command.create({ data: { action: "throttle-repo", params: { repos: ["billing-api"], capacityPercent: 50 }, requestHash: "r".repeat(64), idempotencyKey: randomUUID(), runId, stepId: "throttle", state: "SUCCEEDED", response: { status: "ok", summary: "throttled" }, requestedById: sre.id } })).id;
  await client.signature.create({ data: { runId, stepId: "triage", personId: sre.id, personName: sre.name, role: "SRE" } });

  await append(commander, "incident.declared", { target: { type: "incident", id: incidentId }, details: { title: "Checkout failing", severity: "P1" } });
  await append(sre, "run.start", { target: { type: "run", id: runId }, details: { runbookId: "RB-CORE-001" } });
  await append(sre, "run.step.signed", { target: { type: "run", id: runId }, details: { stepId: "triage", notes: "error rate 40% on billing-api" } });
  await append(sre, "run.step.command_requested", { target: { type: "run", id: runId }, details: { stepId: "throttle", action: "throttle-repo", params: { repos: ["billing-api"], capacityPercent: 50 }, requestHash: "r".repeat(64) } });
  await append(null, "command.succeeded", { target: { type: "command", id: commandId }, details: { action: "throttle-repo", runId, stepId: "throttle", status: "ok" } });
  await append(sre2, "run.start", { target: { type: "run", id: otherRunId }, details: { runbookId: "RB-CORE-001" } });
  await append(sre2, "run.step.skipped", { outcome: "refused", target: { type: "run", id: otherRunId }, details: { reason: "role lacks permission run.step.skip" } });
  await append(commander, "incident.status_changed", { target: { type: "incident", id: incidentId }, details: { before: { status: "OPEN" }, after: { status: "MITIGATED" }, note: "throttled" } });
  for (let i = 0; i < 120; i++) await append(i % 2 ? sre : sre2, "run.step.evidence_added", { target: { type: "run", id: i % 2 ? runId : otherRunId }, details: { i } });
});

afterAll(async () => {
  await client.$disconnect();
});

describe("who sees what", () => {
  it("shows an SRE only their own actions, whatever the filter asks for", async () => {
    const own = await listAuditEvents(sre, filter({ action: "run.start" }));
    expect(own.scope).toBe("own");
    expect(own.events.map((e) => e.actorEmail)).toEqual(["sam.rivera@ops.example"]);
    const asking = await listAuditEvents(sre, filter({ actor: "jordan.lee@ops.example" }));
    expect(asking.events).toEqual([]);
    const refused = await listAuditEvents(sre, filter({ outcome: "refused" }));
    expect(refused.events).toEqual([]);
  });

  it("shows auditors and incident commanders everyone's actions, refusals included", async () => {
    for (const who of [auditor, commander]) {
      const page = await listAuditEvents(who, filter({ outcome: "refused" }));
      expect(page.scope).toBe("all");
      expect(page.events.map((e) => `${e.actorEmail} ${e.action}`)).toEqual(["jordan.lee@ops.example run.step.skipped"]);
    }
  });

  it("hides someone else's event from an SRE's detail view", async () => {
    const other = await client.auditEvent.findFirstOrThrow({ where: { actorId: sre2.id } });
    expect(await getAuditEventDetail(sre, other.seq)).toBeNull();
    expect(await getAuditEventDetail(auditor, other.seq)).not.toBeNull();
  });

  it("exports only the SRE's own actions, and records the export with its filter", async () => {
    const recorded = await executeAction(exportAuditAction, sre, { format: "jsonl", filter: { action: "run." } });
    expect(recorded.ok).toBe(true);
    if (!recorded.ok) return;
    expect(recorded.data.scope).toBe("own");
    const text = await readAll(openAuditExport(sre, filter({ action: "run." }), "jsonl", recorded.data)!);
    const lines = text.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "meta", filter: { action: "run." }, scope: "own", exportedBy: sre.email });
    const events = lines.filter((l) => l.type === "event");
    expect(events.length).toBeGreaterThan(60);
    expect(new Set(events.map((e) => e.actorEmail))).toEqual(new Set([sre.email]));
    expect(lines[lines.length - 1]).toEqual({ type: "end", count: events.length });
    const event = await client.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" }, orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ actorId: sre.id, outcome: "allowed" });
    expect(event.details).toMatchObject({ format: "jsonl", filter: { action: "run." }, scope: "own", through: recorded.data.through });
  });
});

describe("filters", () => {
  const seen = async (f: Record<string, string>, who: Actor = auditor) => (await listAuditEvents(who, filter(f))).events;

  it("match an exact action, a dotted prefix, an actor by email and by role", async () => {
    expect((await seen({ action: "run.step.signed" })).map((e) => e.action)).toEqual(["run.step.signed"]);
    const prefixed = await seen({ action: "incident." });
    expect(prefixed.map((e) => e.action)).toEqual(["incident.status_changed", "incident.declared"]);
    expect(await seen({ action: "incident.*" })).toHaveLength(2);
    expect((await seen({ actor: "ines.carter@ops.example" })).every((e) => e.actorId === commander.id)).toBe(true);
    expect((await seen({ actor: "system" })).every((e) => e.actorId === null)).toBe(true);
    expect((await seen({ role: "INCIDENT_COMMANDER" })).map((e) => e.action)).toEqual(["incident.status_changed", "incident.declared"]);
  });

  it("match a target, a run (with its commands) and an incident (with its runs and their commands)", async () => {
    expect((await seen({ targetType: "command", targetId: commandId })).map((e) => e.action)).toEqual(["command.succeeded"]);
    const run = await seen({ run: runId, action: "run.step.", outcome: "allowed" });
    expect(run.every((e) => e.targetId === runId)).toBe(true);
    const incident = await listAuditEvents(auditor, filter({ incident: incidentId, action: "command." }));
    expect(incident.events.map((e) => e.targetId)).toEqual([commandId]);
    const incidentAll = await seen({ incident: incidentId, actor: "ines.carter@ops.example" });
    expect(incidentAll.map((e) => e.action)).toEqual(["incident.status_changed", "incident.declared"]);
    expect(await seen({ incident: incidentId, actor: "jordan.lee@ops.example" })).toEqual([]);
  });

  it("search the details as text and bound the time", async () => {
    expect((await seen({ q: "BILLING-API" })).map((e) => e.action).sort()).toEqual(["run.step.command_requested", "run.step.signed"]);
    expect(await seen({ q: "100%_" })).toEqual([]);
    const all = await seen({});
    const mid = all[10].at;
    const newer = await seen({ from: mid.toISOString() });
    expect(newer.every((e) => e.at >= mid)).toBe(true);
    expect((await seen({ to: mid.toISOString() })).every((e) => e.at < mid)).toBe(true);
  });

  it("refuse a malformed filter", () => {
    for (const bad of [{ action: "run step" }, { outcome: "maybe" }, { incident: "x" }, { from: "yesterday" }, { role: "ROOT" }]) expect(auditFilterSchema.safeParse(bad).success).toBe(false);
    expect(auditFilterSchema.safeParse({ from: "2026-11-28T10:00", to: "2026-11-28T09:00" }).success).toBe(false);
  });
});

describe("keyset pages", () => {
  it("newest first, without gaps or repeats while new events arrive", async () => {
    const first = await listAuditEvents(auditor, filter({ action: "run.step.evidence_added" }));
    expect(first.events).toHaveLength(50);
    expect(first.older).not.toBeNull();
    for (let i = 0; i < 5; i++) await append(sre, "run.step.evidence_added", { target: { type: "run", id: runId }, details: { late: i } });
    const second = await listAuditEvents(auditor, filter({ action: "run.step.evidence_added" }), { before: first.older! });
    const third = await listAuditEvents(auditor, filter({ action: "run.step.evidence_added" }), { before: second.older! });
    const seqs = [...first.events, ...second.events, ...third.events].map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(seqs).size).toBe(120);
    expect(third.older).toBeNull();
    const back = await listAuditEvents(auditor, filter({ action: "run.step.evidence_added" }), { after: second.events[0].seq });
    expect(back.events.map((e) => e.seq)).toEqual(first.events.map((e) => e.seq));
    expect(back.newer).not.toBeNull(); // the five appended since
  });
});

describe("event detail", () => {
  it("shows a key-by-key diff, the control-plane request with its command and response, and links", async () => {
    const changed = await client.auditEvent.findFirstOrThrow({ where: { action: "incident.status_changed" } });
    const d = await getAuditEventDetail(auditor, changed.seq);
    expect(d?.diff).toEqual([{ path: "status", before: "OPEN", after: "MITIGATED", change: "changed" }]);
    expect(d?.incident).toMatchObject({ id: incidentId, title: "Checkout failing" });
    expect(d?.integrity).toEqual({ hashMatches: true, previousHash: expect.any(String), linksToPrevious: true });

    const requested = await client.auditEvent.findFirstOrThrow({ where: { action: "run.step.command_requested" } });
    const r = await getAuditEventDetail(sre, requested.seq);
    expect(r?.request).toEqual({ action: "throttle-repo", params: { repos: ["billing-api"], capacityPercent: 50 } });
    expect(r?.command).toMatchObject({ id: commandId, state: "SUCCEEDED", response: { status: "ok", summary: "throttled" } });
    expect(r?.run).toMatchObject({ id: runId, incidentId });
    expect(r?.incident?.id).toBe(incidentId);
    expect(r?.repos).toEqual(["billing-api"]);

    const outcome = await client.auditEvent.findFirstOrThrow({ where: { action: "command.succeeded" } });
    const o = await getAuditEventDetail(auditor, outcome.seq);
    expect(o?.command?.id).toBe(commandId);
    expect(o?.request).toMatchObject({ action: "throttle-repo", params: { repos: ["billing-api"], capacityPercent: 50 } });
  });
});

describe("exports", () => {
  it("streams CSV with the filter in a leading comment line, a header row, one row per event and an end line", async () => {
    const recorded = await executeAction(exportAuditAction, auditor, { format: "csv", filter: { action: "incident.", actor: "ines.carter@ops.example" } });
    expect(recorded.ok).toBe(true);
    if (!recorded.ok) return;
    const text = await readAll(openAuditExport(auditor, filter({ action: "incident.", actor: "ines.carter@ops.example" }), "csv", recorded.data)!);
    const lines = text.trimEnd().split("\n");
    // The comment lines are one quoted CSV cell each, so a filter like `=1+1` can never become a formula cell.
    const comment = (line: string) => line.slice(1, -1).replaceAll('""', '"');
    expect(lines[0].startsWith('"# ')).toBe(true);
    expect(JSON.parse(comment(lines[0]).slice(2))).toMatchObject({ format: "orchestrator-audit-export/v1", filter: { action: "incident.", actor: "ines.carter@ops.example" }, scope: "all" });
    expect(lines[1]).toBe("seq,at,actor_id,actor_email,actor_roles,action,outcome,target_type,target_id,request_id,details,prev_hash,hash");
    const rows = lines.slice(2, -1);
    expect(rows.map((l) => l.split(",")[5])).toEqual(["incident.declared", "incident.status_changed"]);
    expect(rows[1]).toContain('"{""after"":{""status"":""MITIGATED""},""before"":{""status"":""OPEN""},""note"":""throttled""}"');
    expect(comment(lines[lines.length - 1])).toBe('# {"type":"end","count":2}');
  });

  it("covers only the events up to the export's own record, and refuses an unknown format", async () => {
    const recorded = await executeAction(exportAuditAction, auditor, { format: "jsonl", filter: {} });
    if (!recorded.ok) throw new Error(recorded.message);
    await append(sre, "run.step.evidence_added", { details: { after: "export started" } });
    const lines = (await readAll(openAuditExport(auditor, {}, "jsonl", recorded.data)!)).trim().split("\n").map((l) => JSON.parse(l));
    const events = lines.filter((l) => l.type === "event");
    expect(events[events.length - 1].seq).toBe(recorded.data.through);
    expect(BigInt(events[events.length - 1].seq)).toBeLessThan((await client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } })).seq);
    const bad = await executeAction(exportAuditAction, auditor, { format: "xlsx", filter: {} });
    expect(bad).toMatchObject({ ok: false, code: "INVALID" });
  });
});

describe("chain heads", () => {
  it("signs a head on demand after verifying, recording the previous and new head as before/after", async () => {
    const first = await executeAction(signHeadAction, auditor, { note: "quarterly review" });
    expect(first).toMatchObject({ ok: true, data: { signed: true } });
    const second = await executeAction(signHeadAction, commander, {});
    if (!first.ok || !first.data.signed || !second.ok || !second.data.signed) throw new Error("not signed");
    expect(BigInt(second.data.head.seq)).toBeGreaterThan(BigInt(first.data.head.seq));
    const event = await client.auditEvent.findFirstOrThrow({ where: { action: "audit.head.signed", actorId: commander.id } });
    expect(event.details).toMatchObject({ before: { id: first.data.head.id, seq: first.data.head.seq }, after: { id: second.data.head.id, seq: second.data.head.seq } });
    const stored = await client.chainHead.findUniqueOrThrow({ where: { id: BigInt(second.data.head.id!) } });
    expect(headSignatureValid(KEY, stored.seq, stored.hash, stored.hmac)).toBe(true);
  });

  it("refuses (and records) signing by an SRE", async () => {
    const result = await executeAction(signHeadAction, sre, {});
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(await client.auditEvent.findFirst({ where: { action: "audit.head.signed", outcome: "refused", actorId: sre.id } })).not.toBeNull();
  });

  it("signs periodically only when events were appended since the last head", async () => {
    const signed = await signHeadIfAdvanced(KEY, client);
    expect(signed).not.toBeNull();
    expect(await signHeadIfAdvanced(KEY, client)).toBeNull();
  });

  it("proves an exported head was only appended to since, and refuses a forged one", async () => {
    const head = exportHead(await client.chainHead.findFirstOrThrow({ orderBy: { id: "desc" } }));
    await append(sre, "run.step.evidence_added", { details: { after: "head" } });
    const ok = await executeAction(verifyHeadAction, auditor, { head: JSON.stringify(head) });
    expect(ok).toMatchObject({ ok: true, data: { verdict: "appended-only", signature: "valid", stored: "matches", chain: { ok: true } } });
    if (ok.ok) expect(ok.data.appendedSince).toBeGreaterThanOrEqual(1);
    const forged = await executeAction(verifyHeadAction, auditor, { head: JSON.stringify({ ...head, hmac: "0".repeat(64) }) });
    expect(forged).toMatchObject({ ok: true, data: { verdict: "not-signed-here", signature: "invalid" } });
    const garbage = await executeAction(verifyHeadAction, auditor, { head: "{not json" });
    expect(garbage).toMatchObject({ ok: false, code: "INVALID", fieldErrors: { head: [expect.stringContaining("Not JSON")] } });
  });

  it("detects truncation and rewriting below an exported head (tampering rolled back)", async () => {
    const head = exportHead(await client.chainHead.findFirstOrThrow({ orderBy: { id: "desc" } }));
    // As a superuser attacker (the portal's own role has no UPDATE or DELETE on the log).
    const c = new pg.Client({ connectionString: superUrl });
    await c.connect();
    try {
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      await c.query("DELETE FROM audit_event WHERE seq >= $1", [head.seq]);
      const cut = await verifyAgainstHead(pgRunner(c), KEY, head);
      expect(cut).toMatchObject({ verdict: "tampered", stored: "missing", chain: { ok: false, problem: "truncated", seq: BigInt(head.seq) } });
      await c.query("ROLLBACK");
      await c.query("BEGIN");
      await c.query("SET LOCAL session_replication_role = replica");
      await c.query(`UPDATE audit_event SET outcome = 'allowed' WHERE outcome = 'refused'`);
      const edited = await verifyAgainstHead(pgRunner(c), KEY, head);
      expect(edited).toMatchObject({ verdict: "tampered", chain: { ok: false, problem: "edited" } });
    } finally {
      await c.query("ROLLBACK").catch(() => {});
      await c.end();
    }
  });

  it("verifies the whole chain against every stored head and records the check", async () => {
    const result = await executeAction(verifyChainAction, sre, {});
    expect(result).toMatchObject({ ok: true, data: { ok: true, invalidHeads: [] } });
    if (result.ok && result.data.ok) expect(result.data.headsChecked).toBeGreaterThanOrEqual(3);
    // Every head signed above, on demand or periodically, was also anchored outside the database, and still agrees.
    const heads = await client.chainHead.count();
    expect(result).toMatchObject({ ok: true, data: { anchors: { status: "ok", entries: heads, matched: heads, problems: [], unanchored: [] } } });
    const status = await quickChainStatus(sre);
    expect(status).toMatchObject({ mode: "since-head", result: { ok: true } });
  });
});

describe("evidence bundle", () => {
  it("holds the incident, its runs with sign-offs and commands, their events, and a signed, verified head", async () => {
    const bundle = await getIncidentBundle(auditor, incidentId, null);
    if (!bundle) throw new Error("no bundle");
    expect(bundle.incident).toMatchObject({ id: incidentId, title: "Checkout failing" });
    expect(bundle.runs.map((r) => r.id)).toEqual([runId]);
    expect(bundle.runs[0].signOffs).toMatchObject([{ stepId: "triage", person: "Sam Rivera", role: "SRE" }]);
    expect(bundle.runs[0].commands).toMatchObject([{ id: commandId, state: "SUCCEEDED", response: { status: "ok" } }]);
    const actions = bundle.auditEvents.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["incident.declared", "run.start", "run.step.command_requested", "command.succeeded", "incident.status_changed"]));
    expect(bundle.auditEvents.some((e) => e.targetId === otherRunId)).toBe(false);
    expect(bundle.chainProof.events).toHaveLength(bundle.auditEvents.length);
    expect(bundle.chainProof.verification).toMatchObject({ ok: true });
    const head = bundle.chainProof.head!;
    expect(headSignatureValid(KEY, BigInt(head.seq), head.hash, head.hmac!)).toBe(true);
    // The bundle's head is accepted by "verify against a head".
    const check = await executeAction(verifyHeadAction, auditor, { head: JSON.stringify(bundle) });
    expect(check).toMatchObject({ ok: true, data: { verdict: "appended-only" } });
    expect(bundleMarkdown(bundle)).toContain("## Chain proof");
    expect((await verifyChain(client)).ok).toBe(true);
  });

  it("is refused (and the refusal recorded) for someone who sees only their own actions", async () => {
    expect(await getIncidentBundle(sre, incidentId, null)).toBeNull();
    const result = await executeAction(exportBundleAction, sre, { incidentId, format: "json" });
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    const refusal = await client.auditEvent.findFirstOrThrow({ where: { action: "audit.exported", outcome: "refused" }, orderBy: { seq: "desc" } });
    expect(refusal).toMatchObject({ actorId: sre.id, targetType: "incident", targetId: incidentId });
  });
});
