import "server-only";
import { db } from "../db";
import { env } from "../env";
import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { verifyChain } from "../audit/log";
import { hashEvent, headSignatureValid, type StoredEvent, type VerifyResult } from "../audit/chain";
import { queryAuditEvent, queryAuditPage, latestSeq, buildWhere, type AuditScope } from "../audit/filter-sql";
import { type EventRow, EVENT_COLUMNS, toStoredEvent } from "../audit/source";
import { prismaRunner } from "../sql";
import { beforeAfter, diffStates, type DiffRow } from "../audit/diff";
import { exportStream, EXPORT_FORMAT_ID, type ExportMeta } from "../audit/export";
import { buildIncidentBundle } from "../audit/bundle";
import { listHeads, type HeadRow } from "../audit/heads";
import type { AuditFilter, ExportFormat } from "../validation/audit";

export const AUDIT_PAGE_SIZE = 50;

/**
 * Whose events this person may read: auditors, InfoSec and incident commanders everyone's, everyone else their own
 * actions only, and nobody without an audit permission. Every read below starts here.
 */
export function auditScope(actor: Actor): AuditScope | null {
  if (can(actor, "audit.view.all")) return { kind: "all" };
  if (can(actor, "audit.view.own")) return { kind: "own", actorId: actor.id };
  return null;
}

/**
 * A filtered page of audit events, newest first, by keyset (`before`/`after` are sequence numbers), so pages stay
 * stable while new events arrive. The scope is applied in the query whatever the filter asks for.
 */
export async function listAuditEvents(actor: Actor, filter: AuditFilter = {}, cursor: { before?: bigint; after?: bigint } = {}) {
  const scope = auditScope(actor);
  if (!scope) return { events: [] as StoredEvent[], scope: "none" as const, older: null, newer: null };
  const page = await queryAuditPage(prismaRunner(db()), scope, filter, cursor, AUDIT_PAGE_SIZE);
  return { ...page, scope: scope.kind };
}

export type CommandView = {
  id: string;
  action: string;
  params: unknown;
  requestHash: string;
  idempotencyKey: string;
  state: string;
  attempts: number;
  lastError: string | null;
  response: unknown;
  runId: string | null;
  stepId: string | null;
  createdAt: Date;
  completedAt: Date | null;
};

export type AuditEventDetail = {
  event: StoredEvent;
  integrity: { hashMatches: boolean; previousHash: string | null; linksToPrevious: boolean | null };
  /** The neighbouring events this person may see. */
  newerSeq: bigint | null;
  olderSeq: bigint | null;
  diff: DiffRow[] | null;
  /** The control-plane request as the event recorded it (command.* and run.step.command_requested events). */
  request: { action: string | null; params: unknown } | null;
  command: CommandView | null;
  run: { id: string; runbookId: string; status: string; incidentId: string | null } | null;
  incident: { id: string; title: string; status: string } | null;
  repos: string[];
};

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One event with what explains it, or null when it does not exist or this person may not see it. */
export async function getAuditEventDetail(actor: Actor, seq: bigint): Promise<AuditEventDetail | null> {
  const scope = auditScope(actor);
  if (!scope) return null;
  const run = prismaRunner(db());
  const event = await queryAuditEvent(run, scope, seq);
  if (!event) return null;
  const where = buildWhere(scope, {}, 2);
  const [previous, newer, older] = await Promise.all([
    seq > 1n ? run<{ hash: string }>(`SELECT hash FROM audit_event WHERE seq = $1::bigint`, [(seq - 1n).toString()]) : Promise.resolve([]),
    run<{ seq: string }>(`SELECT e.seq::text AS seq FROM audit_event e WHERE e.seq > $1::bigint AND ${where.sql} ORDER BY e.seq ASC LIMIT 1`, [seq.toString(), ...where.params]),
    run<{ seq: string }>(`SELECT e.seq::text AS seq FROM audit_event e WHERE e.seq < $1::bigint AND ${where.sql} ORDER BY e.seq DESC LIMIT 1`, [seq.toString(), ...where.params]),
  ]);
  const previousHash = seq === 1n ? "0".repeat(64) : (previous[0]?.hash ?? null);
  const details = (event.details ?? {}) as Record<string, unknown>;
  const pair = beforeAfter(details);

  const commandId = event.targetType === "command" && event.targetId && UUID.test(event.targetId) ? event.targetId : str(details.commandId);
  const runId = event.targetType === "run" ? event.targetId : str(details.runId);
  let command: CommandView | null = null;
  if (commandId && UUID.test(commandId)) {
    command = await db().command.findUnique({ where: { id: commandId } });
  } else if (runId && UUID.test(runId) && str(details.stepId) && (str(details.requestHash) || event.action === "run.step.command_requested")) {
    command = await db().command.findFirst({
      where: { runId, stepId: str(details.stepId)!, ...(str(details.requestHash) ? { requestHash: str(details.requestHash)! } : {}), createdAt: { gte: new Date(event.at.getTime() - 60_000) } },
      orderBy: { createdAt: "asc" },
    });
  }
  const request =
    details.params !== undefined || event.action.startsWith("command.") || command
      ? { action: str(details.action) ?? command?.action ?? null, params: details.params ?? command?.params ?? null }
      : null;

  const runIdResolved = runId ?? command?.runId ?? null;
  const runRow = runIdResolved && UUID.test(runIdResolved) ? await db().run.findUnique({ where: { id: runIdResolved }, select: { id: true, runbookId: true, status: true, incidentId: true } }) : null;
  const incidentId = event.targetType === "incident" ? event.targetId : (str(details.incidentId) ?? runRow?.incidentId ?? null);
  const incident = incidentId && UUID.test(incidentId) ? await db().incident.findUnique({ where: { id: incidentId }, select: { id: true, title: true, status: true } }) : null;
  const params = (details.params ?? {}) as Record<string, unknown>;
  const repos = [
    ...(event.targetType === "repo" && event.targetId ? [event.targetId] : []),
    ...[details.repo, details.repoName, params.repo].filter((r): r is string => typeof r === "string"),
    ...(Array.isArray(params.repos) ? params.repos.filter((r): r is string => typeof r === "string") : []),
  ];

  return {
    event,
    integrity: { hashMatches: hashEvent(event) === event.hash, previousHash, linksToPrevious: previousHash === null ? null : event.prevHash === previousHash },
    newerSeq: newer[0] ? BigInt(newer[0].seq) : null,
    olderSeq: older[0] ? BigInt(older[0].seq) : null,
    diff: pair ? diffStates(pair.before, pair.after) : null,
    request,
    command,
    run: runRow,
    incident,
    repos: [...new Set(repos)],
  };
}

export type ChainStatus =
  | { mode: "since-head"; head: { id: string; seq: bigint; at: Date }; result: VerifyResult }
  | { mode: "full"; result: VerifyResult }
  | { mode: "head-mismatch"; head: { id: string; seq: bigint; at: Date } }
  | { mode: "not-checked"; events: bigint };

/** Full verification on page load is cheap only for small logs; beyond this the page checks from the last head. */
const FULL_CHECK_ON_LOAD = 20_000n;

/**
 * The cheap check the audit page shows on load: the events since the last validly signed head (whose event must
 * still carry the head's hash), or the whole chain while it is small. "Verify chain" walks everything.
 */
export async function quickChainStatus(actor: Actor): Promise<ChainStatus | null> {
  if (!can(actor, "audit.verify")) return null;
  const key = env().AUDIT_HMAC_KEY;
  const client = db();
  const heads = key ? await client.chainHead.findMany({ orderBy: [{ seq: "desc" }, { id: "desc" }], take: 20 }) : [];
  const head = heads.find((h) => headSignatureValid(key!, h.seq, h.hash, h.hmac));
  if (head) {
    const stored = await client.auditEvent.findUnique({ where: { seq: head.seq }, select: { hash: true } });
    const info = { id: head.id.toString(), seq: head.seq, at: head.at };
    if (stored?.hash !== head.hash) return { mode: "head-mismatch", head: info };
    return { mode: "since-head", head: info, result: await verifyChain(client, { start: { seq: head.seq, hash: head.hash } }) };
  }
  const events = await latestSeq(prismaRunner(client));
  if (events > FULL_CHECK_ON_LOAD) return { mode: "not-checked", events };
  return { mode: "full", result: await verifyChain(client) };
}

/** Signed heads, newest first, for people who may verify. */
export async function listChainHeads(actor: Actor, limit = 50): Promise<(HeadRow & { signatureValid: boolean | null })[] | null> {
  if (!can(actor, "audit.verify")) return null;
  const key = env().AUDIT_HMAC_KEY;
  return (await listHeads(db(), limit)).map((h) => ({ ...h, signatureValid: key ? headSignatureValid(key, h.seq, h.hash, h.hmac) : null }));
}

/** One head for export, for people who may verify. */
export async function getChainHead(actor: Actor, id: bigint): Promise<HeadRow | null> {
  if (!can(actor, "audit.verify")) return null;
  return db().chainHead.findUnique({ where: { id } });
}

/**
 * The export stream of a filtered view, in this person's scope (own actions only unless they may see everyone's),
 * up to the event that was newest when the export was recorded. Null for people who may not export.
 */
export function openAuditExport(actor: Actor, filter: AuditFilter, format: ExportFormat, recorded: { through: string; filter: Record<string, string>; requestId: string | null }, at = new Date()) {
  const scope = auditScope(actor);
  if (!scope || !can(actor, "audit.export")) return null;
  const meta: ExportMeta = {
    type: "meta",
    format: EXPORT_FORMAT_ID,
    filter: recorded.filter,
    scope: scope.kind,
    through: recorded.through,
    exportedBy: actor.email,
    exportedAt: at.toISOString(),
    requestId: recorded.requestId,
    order: "oldest first",
  };
  return exportStream(prismaRunner(db()), scope, filter, format, meta);
}

/** The evidence bundle of an incident, for people who see everyone's actions; null otherwise or if there is none. */
export async function getIncidentBundle(actor: Actor, incidentId: string, requestId: string | null) {
  if (!can(actor, "audit.view.all") || !can(actor, "audit.export")) return null;
  return buildIncidentBundle(db(), incidentId, { key: env().AUDIT_HMAC_KEY, exportedBy: actor.email, requestId });
}

/** Events of one request (the same requestId), in this person's scope: a request can append more than one event. */
export async function eventsOfRequest(actor: Actor, requestId: string, near: bigint): Promise<StoredEvent[]> {
  const scope = auditScope(actor);
  if (!scope) return [];
  const where = buildWhere(scope, {}, 4);
  // Events of one request are appended within moments of each other: look in a window around the event (the
  // request id has no index of its own).
  const rows = await prismaRunner(db())<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE e."requestId" = $1 AND e.seq BETWEEN $2::bigint AND $3::bigint AND ${where.sql} ORDER BY e.seq LIMIT 20`,
    [requestId, (near > 1000n ? near - 1000n : 0n).toString(), (near + 1000n).toString(), ...where.params],
  );
  return rows.map(toStoredEvent);
}

/**
 * Suggestions for the filter form: the action names in the log (a skip scan over the action index, one probe per
 * name, so it stays cheap at millions of events) and, for full-view readers, the people.
 */
export async function auditFacets(actor: Actor): Promise<{ actions: string[]; people: string[] }> {
  const scope = auditScope(actor);
  if (!scope) return { actions: [], people: [] };
  const [actions, people] = await Promise.all([
    prismaRunner(db())<{ action: string }>(
      `WITH RECURSIVE a(action, n) AS (
         SELECT min(action), 1 FROM audit_event
         UNION ALL SELECT (SELECT min(action) FROM audit_event WHERE action > a.action), n + 1 FROM a WHERE a.action IS NOT NULL AND n < 300)
       SELECT action FROM a WHERE action IS NOT NULL`,
      [],
    ),
    scope.kind === "all" ? db().person.findMany({ select: { email: true }, orderBy: { email: "asc" }, take: 500 }) : Promise.resolve([]),
  ]);
  const names = actions.map((r) => r.action);
  const prefixes = [...new Set(names.flatMap((a) => a.split(".").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join(".") + ".")))];
  return { actions: [...prefixes, ...names].sort(), people: people.map((p) => p.email) };
}
