/**
 * Filtered reads of the audit log, as parameterised SQL: the review page (keyset pages, newest first), the JSON API
 * and the streamed exports all build their WHERE clause here, so the filter and the access scope mean the same
 * thing everywhere.
 */
import type { StoredEvent } from "./chain";
import { EVENT_COLUMNS, readPacked, toStoredEvent, type EventRow, type SqlRunner } from "./source";
import type { AuditFilter } from "../validation/audit";

/** Whose events a reader may see: everyone's, or only their own (by person id). */
export type AuditScope = { kind: "all" } | { kind: "own"; actorId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** LIKE pattern text with its wildcards taken literally. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The WHERE clause (without the keyword) and its parameters for a scope and a filter; `e` is audit_event. */
export function buildWhere(scope: AuditScope, filter: AuditFilter, firstParam = 1): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown, cast = "") => {
    params.push(v);
    return `$${firstParam + params.length - 1}${cast}`;
  };
  if (scope.kind === "own") parts.push(`e."actorId" = ${p(scope.actorId, "::uuid")}`);
  if (filter.actor) {
    const a = filter.actor;
    if (a.toLowerCase() === "system") parts.push(`e."actorId" IS NULL`);
    else if (UUID.test(a)) parts.push(`e."actorId" = ${p(a, "::uuid")}`);
    else {
      // By person (indexed) when the email belongs to someone; by the recorded email otherwise.
      const email = p(a);
      parts.push(`(e."actorId" = (SELECT id FROM person WHERE email = ${email}) OR (NOT EXISTS (SELECT 1 FROM person WHERE email = ${email}) AND e."actorEmail" = ${email}))`);
    }
  }
  if (filter.role) parts.push(`${p(filter.role)} = ANY (e."actorRoles")`);
  if (filter.action) {
    const a = filter.action;
    if (a.endsWith("*") || a.endsWith(".")) parts.push(`e.action LIKE ${p(likeEscape(a.replace(/\*$/, "")) + "%")}`);
    else parts.push(`e.action = ${p(a)}`);
  }
  if (filter.targetType) parts.push(`e."targetType" = ${p(filter.targetType)}`);
  if (filter.targetId) parts.push(`e."targetId" = ${p(filter.targetId)}`);
  if (filter.run) {
    const run = p(filter.run);
    parts.push(`(e."targetType", e."targetId") IN (
      SELECT 'run', ${run}::text UNION ALL SELECT 'command', c.id::text FROM command c WHERE c."runId" = ${run}::uuid)`);
  }
  if (filter.incident) {
    const inc = p(filter.incident);
    parts.push(`(e."targetType", e."targetId") IN (
      SELECT 'incident', ${inc}::text
      UNION ALL SELECT 'run', r.id::text FROM run r WHERE r."incidentId" = ${inc}::uuid
      UNION ALL SELECT 'command', c.id::text FROM command c JOIN run r ON r.id = c."runId" WHERE r."incidentId" = ${inc}::uuid
      UNION ALL SELECT 'alert', a.fingerprint FROM alert a WHERE a."incidentId" = ${inc}::uuid)`);
  }
  if (filter.outcome) parts.push(`e.outcome = ${p(filter.outcome)}`);
  if (filter.from) parts.push(`e.at >= ${p(filter.from.toISOString(), "::timestamptz")}`);
  if (filter.to) parts.push(`e.at < ${p(filter.to.toISOString(), "::timestamptz")}`);
  if (filter.q) parts.push(`e.details::text ILIKE ${p("%" + likeEscape(filter.q) + "%")}`);
  return { sql: parts.length ? parts.join(" AND ") : "TRUE", params };
}

export type AuditPage = {
  events: StoredEvent[];
  /** Cursor for the next (older) page, or null at the oldest. */
  older: bigint | null;
  /** Cursor for the previous (newer) page, or null at the newest. */
  newer: bigint | null;
};

/**
 * One page of events, newest first, by keyset on seq (never OFFSET): `before` pages to older events, `after` to
 * newer ones. Pages stay put while events are appended, because a cursor is a sequence number.
 */
export async function queryAuditPage(run: SqlRunner, scope: AuditScope, filter: AuditFilter, cursor: { before?: bigint; after?: bigint }, pageSize: number): Promise<AuditPage> {
  const where = buildWhere(scope, filter);
  const n = where.params.length;
  if (cursor.after !== undefined && cursor.before === undefined) {
    const rows = await run<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE ${where.sql} AND e.seq > $${n + 1}::bigint ORDER BY e.seq ASC LIMIT $${n + 2}::int`, [...where.params, cursor.after.toString(), pageSize + 1]);
    const more = rows.length > pageSize;
    const events = rows.slice(0, pageSize).map(toStoredEvent).reverse();
    return { events, newer: more && events.length ? events[0].seq : null, older: events.length ? events[events.length - 1].seq : null };
  }
  const before = cursor.before === undefined ? "" : ` AND e.seq < $${n + 2}::bigint`;
  const params = [...where.params, pageSize + 1, ...(cursor.before === undefined ? [] : [cursor.before.toString()])];
  const rows = await run<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE ${where.sql}${before} ORDER BY e.seq DESC LIMIT $${n + 1}::int`, params);
  const events = rows.slice(0, pageSize).map(toStoredEvent);
  return {
    events,
    older: rows.length > pageSize ? events[events.length - 1].seq : null,
    newer: cursor.before !== undefined && events.length ? events[0].seq : null,
  };
}

/** One event by sequence number, if the scope lets the reader see it. */
export async function queryAuditEvent(run: SqlRunner, scope: AuditScope, seq: bigint): Promise<StoredEvent | null> {
  const where = buildWhere(scope, {}, 2);
  const rows = await run<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE e.seq = $1::bigint AND ${where.sql}`, [seq.toString(), ...where.params]);
  return rows[0] ? toStoredEvent(rows[0]) : null;
}

/** The newest event's sequence number (0 for an empty log). */
export async function latestSeq(run: SqlRunner): Promise<bigint> {
  const [row] = await run<{ seq: string | null }>(`SELECT max(seq)::text AS seq FROM audit_event`, []);
  return BigInt(row?.seq ?? 0);
}

/**
 * Matching events oldest first, in keyset batches, up to `through` (a snapshot taken when the read started, so
 * events appended meanwhile are not included): the exports and the evidence bundle read through this.
 */
export async function* scanFiltered(run: SqlRunner, scope: AuditScope, filter: AuditFilter, opts: { through: bigint; batchSize?: number; packed?: boolean }): AsyncGenerator<StoredEvent[]> {
  const batchSize = Math.max(1, opts.batchSize ?? 2_000);
  const where = buildWhere(scope, filter);
  const n = where.params.length;
  const inner = `SELECT * FROM audit_event e WHERE ${where.sql} AND e.seq > $${n + 1}::bigint AND e.seq <= $${n + 2}::bigint ORDER BY e.seq ASC LIMIT $${n + 3}::int`;
  const read = async (after: bigint) => {
    const params = [...where.params, after.toString(), opts.through.toString(), batchSize];
    return (opts.packed === false ? null : await readPacked(run, inner, params)) ?? (await run<EventRow>(inner.replace("SELECT *", `SELECT ${EVENT_COLUMNS}`), params)).map(toStoredEvent);
  };
  let ahead: Promise<StoredEvent[]> | null = read(0n);
  while (ahead) {
    const events: StoredEvent[] = await ahead;
    ahead = null;
    if (events.length === 0) return;
    if (events.length === batchSize) {
      // Ask for the next batch before handing this one out, so the database works while the caller writes.
      ahead = read(events[events.length - 1].seq);
      ahead.catch(() => {});
    }
    yield events;
  }
}
