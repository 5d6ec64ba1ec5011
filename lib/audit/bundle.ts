/**
 * The evidence bundle of one incident, as one JSON document (and a readable Markdown summary): the incident and its
 * alerts, its runs (Run.incidentId) with their steps, sign-offs, decisions and control-plane commands with outcomes,
 * every audit event about them, and the chain proof — each event's hash and previous hash, the verification of the
 * whole chain through the newest event at export time, and that head signed with AUDIT_HMAC_KEY (the same object
 * Audit → Chain heads → Verify against a head accepts).
 */
import type { Db } from "../db";
import { signHead, type StoredEvent, type VerifyResult } from "./chain";
import { verifyChain } from "./log";
import { loadAnchors } from "./heads";
import { latestSeq, scanFiltered } from "./filter-sql";
import { prismaRunner } from "../sql";
import { eventJson } from "./export";

export const BUNDLE_FORMAT_ID = "orchestrator-evidence-bundle/v1";

export const HASH_ALGORITHM =
  'hash = sha256_hex(prevHash + "\\n" + canonicalJson({seq: decimal string, at: ISO 8601 UTC, actorId, actorEmail, actorRoles, action, outcome, targetType, targetId, details, requestId})); canonicalJson = JSON with object keys sorted (UTF-16 order), no whitespace, undefined dropped; the first event\'s prevHash is 64 zeros; head hmac = HMAC-SHA256(AUDIT_HMAC_KEY, "<seq>:<hash>")';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);


function verificationJson(v: VerifyResult) {
  return v.ok
    ? { ok: true as const, events: v.count, headSeq: v.headSeq?.toString() ?? null, headHash: v.headHash }
    : { ok: false as const, verifiedBeforeBreak: v.count, seq: v.seq.toString(), problem: v.problem, detail: v.detail };
}

/** Builds the bundle, or null when there is no such incident. Reads a snapshot up to the newest event now. */
export async function buildIncidentBundle(client: Db, incidentId: string, opts: { key: string | undefined; exportedBy: string; requestId: string | null; now?: Date }) {
  const incident = await client.incident.findUnique({ where: { id: incidentId }, include: { alerts: { orderBy: { startsAt: "asc" } } } });
  if (!incident) return null;
  const runs = await client.run.findMany({
    where: { incidentId },
    orderBy: { startedAt: "asc" },
    include: {
      startedBy: { select: { id: true, name: true, email: true } },
      steps: { orderBy: { position: "asc" } },
      signatures: { orderBy: { createdAt: "asc" } },
      decisions: { orderBy: { decidedAt: "asc" } },
      commands: { orderBy: { createdAt: "asc" }, include: { requestedBy: { select: { email: true } } } },
    },
  });
  const run = prismaRunner(client);
  const through = await latestSeq(run);
  const events: StoredEvent[] = [];
  for await (const batch of scanFiltered(run, { kind: "all" }, { incident: incidentId }, { through })) events.push(...batch);
  const { anchors } = await loadAnchors(client, opts.key);
  const verification = await verifyChain(run, { through, anchors });
  const head =
    verification.ok && verification.headSeq !== null
      ? {
          format: "orchestrator-audit-head/v1" as const,
          seq: verification.headSeq.toString(),
          hash: verification.headHash,
          hmac: opts.key ? signHead(opts.key, verification.headSeq, verification.headHash) : null,
          at: (opts.now ?? new Date()).toISOString(),
          reason: `evidence bundle for incident ${incidentId}`,
        }
      : null;

  return {
    format: BUNDLE_FORMAT_ID,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    exportedBy: opts.exportedBy,
    requestId: opts.requestId,
    incident: {
      id: incident.id,
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      source: incident.source,
      summary: incident.summary,
      commanderId: incident.commanderId,
      suggestedRunbookId: incident.suggestedRunbookId,
      detectedAt: iso(incident.detectedAt),
      mitigatedAt: iso(incident.mitigatedAt),
      resolvedAt: iso(incident.resolvedAt),
      createdById: incident.createdById,
      createdAt: iso(incident.createdAt),
    },
    alerts: incident.alerts.map((a) => ({ id: a.id, alertname: a.alertname, status: a.status, fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, startsAt: iso(a.startsAt), endsAt: iso(a.endsAt), runbookId: a.runbookId })),
    runs: runs.map((r) => ({
      id: r.id,
      runbookId: r.runbookId,
      contentHash: r.contentHash,
      status: r.status,
      drill: r.drill,
      parentRunId: r.parentRunId,
      parentStepId: r.parentStepId,
      startedAt: iso(r.startedAt),
      startedBy: r.startedBy,
      detectedAt: iso(r.detectedAt),
      endedAt: iso(r.endedAt),
      endedReason: r.endedReason,
      endedById: r.endedById,
      steps: r.steps.map((s) => ({ stepId: s.stepId, position: s.position, status: s.status, notes: s.notes, evidence: s.evidence, request: s.request, requestHash: s.requestHash, commandId: s.commandId, childRunId: s.childRunId, skipReason: s.skipReason, completedById: s.completedById, completedAt: iso(s.completedAt) })),
      signOffs: r.signatures.map((s) => ({ stepId: s.stepId, personId: s.personId, person: s.personName, role: s.role, requestHash: s.requestHash, at: iso(s.createdAt), voidedAt: iso(s.voidedAt) })),
      decisions: r.decisions.map((d) => ({ stepId: d.stepId, outcome: d.outcome, reason: d.reason, criteria: d.criteria, decidedById: d.decidedById, decidedBy: d.decidedBy, at: iso(d.decidedAt) })),
      commands: r.commands.map((c) => ({ id: c.id, stepId: c.stepId, action: c.action, params: c.params, requestHash: c.requestHash, idempotencyKey: c.idempotencyKey, state: c.state, attempts: c.attempts, lastError: c.lastError, response: c.response, requestedBy: c.requestedBy?.email ?? null, createdAt: iso(c.createdAt), completedAt: iso(c.completedAt) })),
    })),
    auditEvents: events.map(eventJson),
    chainProof: {
      algorithm: HASH_ALGORITHM,
      events: events.map((e) => ({ seq: e.seq.toString(), prevHash: e.prevHash, hash: e.hash })),
      verification: verificationJson(verification),
      signedHeadsChecked: anchors.filter((a) => a.seq <= through).length,
      head,
    },
  };
}

export type IncidentBundle = NonNullable<Awaited<ReturnType<typeof buildIncidentBundle>>>;

const md = (s: unknown) => String(s ?? "—").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** The bundle as a readable Markdown summary (the JSON stays the evidence; this is for people). */
export function bundleMarkdown(b: IncidentBundle): string {
  const lines: string[] = [];
  const i = b.incident;
  lines.push(`# Evidence bundle: ${md(i.title)}`, "");
  lines.push(`Incident \`${i.id}\` · ${i.severity} · ${i.status.toLowerCase()} · from ${i.source.toLowerCase()}`, "");
  lines.push(`Exported ${b.exportedAt} by ${b.exportedBy}${b.requestId ? ` (request ${b.requestId})` : ""}.`, "");
  lines.push("| Detected | Mitigated | Resolved |", "| --- | --- | --- |", `| ${md(i.detectedAt)} | ${md(i.mitigatedAt)} | ${md(i.resolvedAt)} |`, "");
  if (i.summary) lines.push(md(i.summary), "");
  if (b.alerts.length) {
    lines.push(`## Alerts (${b.alerts.length})`, "", "| Alert | Status | Starts | Ends | Runbook |", "| --- | --- | --- | --- | --- |");
    for (const a of b.alerts) lines.push(`| ${md(a.alertname)} | ${md(a.status)} | ${md(a.startsAt)} | ${md(a.endsAt)} | ${md(a.runbookId)} |`);
    lines.push("");
  }
  lines.push(`## Runs (${b.runs.length})`, "");
  for (const r of b.runs) {
    lines.push(`### ${r.runbookId} — run \`${r.id}\``, "", `${r.status.toLowerCase().replace("_", " ")}${r.drill ? " (drill)" : ""}, started ${r.startedAt} by ${r.startedBy.name}${r.endedAt ? `, ended ${r.endedAt}${r.endedReason ? ` (${md(r.endedReason)})` : ""}` : ""}.`, "");
    if (r.signOffs.length) {
      lines.push("Sign-offs:", "", "| Step | Person | Role | At | Voided |", "| --- | --- | --- | --- | --- |");
      for (const s of r.signOffs) lines.push(`| ${md(s.stepId)} | ${md(s.person)} | ${md(s.role)} | ${md(s.at)} | ${md(s.voidedAt)} |`);
      lines.push("");
    }
    if (r.decisions.length) {
      lines.push("Decisions:", "", "| Step | Outcome | By | At | Reason |", "| --- | --- | --- | --- | --- |");
      for (const d of r.decisions) lines.push(`| ${md(d.stepId)} | ${d.outcome} | ${md(d.decidedBy)} | ${md(d.at)} | ${md(d.reason)} |`);
      lines.push("");
    }
    if (r.commands.length) {
      lines.push("Control-plane commands:", "", "| Step | Action | State | Attempts | Params | Error |", "| --- | --- | --- | --- | --- | --- |");
      for (const c of r.commands) lines.push(`| ${md(c.stepId)} | ${md(c.action)} | ${c.state} | ${c.attempts} | \`${md(JSON.stringify(c.params))}\` | ${md(c.lastError)} |`);
      lines.push("");
    }
  }
  lines.push(`## Audit events (${b.auditEvents.length})`, "", "| # | At | Actor | Action | Outcome | Target | Hash |", "| ---: | --- | --- | --- | --- | --- | --- |");
  for (const e of b.auditEvents) lines.push(`| ${e.seq} | ${e.at} | ${md(e.actorEmail ?? "system")} | \`${md(e.action)}\` | ${e.outcome} | ${md(e.targetType ? `${e.targetType} ${e.targetId ?? ""}` : null)} | \`${e.hash.slice(0, 16)}…\` |`);
  lines.push("", "## Chain proof", "");
  const v = b.chainProof.verification;
  lines.push(v.ok ? `The whole chain verified at export: ${v.events} events, head event ${v.headSeq}, hash \`${v.headHash}\`.` : `**The chain did not verify**: event ${v.seq} (${v.problem}): ${md(v.detail)}.`, "");
  lines.push(`Signed heads checked on the way: ${b.chainProof.signedHeadsChecked}.`, "");
  if (b.chainProof.head) lines.push(`Head signed for this bundle: event ${b.chainProof.head.seq}, hash \`${b.chainProof.head.hash}\`, hmac \`${b.chainProof.head.hmac ?? "unsigned (AUDIT_HMAC_KEY not set)"}\`.`, "");
  lines.push(`Each event's hash and previous hash are in the JSON bundle (\`chainProof.events\`). ${b.chainProof.algorithm}`, "");
  return lines.join("\n");
}
