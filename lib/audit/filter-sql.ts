/**
 * Filtered reads of the audit log, as parameterised SQL: the review page (keyset pages, newest first), the JSON API
 * and the streamed exports all build their WHERE clause here, so the filter and the access scope mean the same
 * thing everywhere.
 */
import type { StoredEvent } from "./chain";
import { EVENT_COLUMNS, readPacked, toStoredEvent, type EventRow } from "./source";
import type { SqlRunner } from "../sql";
import type { AuditFilter } from "../validation/audit";
import { PLANNED_PER_CALL } from "../sql";

/** Whose events a reader may see: everyone's, or only their own (by person id). */
export type AuditScope = { kind: "all" } | { kind: "own"; actorId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** LIKE pattern text with its wildcards taken literally. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The free-text search's index expression (migration 20261128160000): the details text with the characters that
 * join ids and names ('-', '_', '.') turned into one letter, so pg_trgm sees "E-002" as one word with its own
 * trigrams instead of the common "e" and "002". Must be written exactly as in the index.
 */
const JOINED_DETAILS = `translate(e.details::text, '-_.', 'qqq')`;
const joined = (s: string) => s.replace(/[-_.]/g, "q");

/**
 * The WHERE clause (without the keyword) and its parameters for a scope and a filter; `e` is audit_event. With
 * `textIndex: false` the free text is matched without the index condition (for a scan of a few thousand rows).
 */
export function buildWhere(scope: AuditScope, filter: AuditFilter, firstParam = 1, opts: { textIndex?: boolean } = {}): { sql: string; params: unknown[] } {
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
  if (filter.q) {
    // The index narrows (a superset: translate() maps only characters without case variants, identically on both
    // sides); the ILIKE on the real text decides.
    if (opts.textIndex !== false) parts.push(`${JOINED_DETAILS} ILIKE ${p("%" + likeEscape(joined(filter.q)) + "%")}`);
    parts.push(`e.details::text ILIKE ${p("%" + likeEscape(filter.q) + "%")}`);
  }
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
 * Rows a free-text search reads in order before it turns to the index: a term found in at least one event in a
 * hundred fills a page from these alone (≈ 5 ms), which the planner cannot know, as it cannot estimate a substring's
 * frequency; rarer terms then come from the trigram index.
 */
export const TEXT_WINDOW = 5_000;

/**
 * One page of events, newest first, by keyset on seq (never OFFSET): `before` pages to older events, `after` to
 * newer ones. Pages stay put while events are appended, because a cursor is a sequence number.
 */
export async function queryAuditPage(run: SqlRunner, scope: AuditScope, filter: AuditFilter, cursor: { before?: bigint; after?: bigint }, pageSize: number): Promise<AuditPage> {
  const ascending = cursor.after !== undefined && cursor.before === undefined;
  const rows = filter.q ? await textSearchRows(run, scope, filter, cursor, pageSize + 1, ascending) : await pageRows(run, buildWhere(scope, filter), cursor, pageSize + 1, ascending);
  if (ascending) {
    const more = rows.length > pageSize;
    const events = rows.slice(0, pageSize).map(toStoredEvent).reverse();
    return { events, newer: more && events.length ? events[0].seq : null, older: events.length ? events[events.length - 1].seq : null };
  }
  const events = rows.slice(0, pageSize).map(toStoredEvent);
  return {
    events,
    older: rows.length > pageSize ? events[events.length - 1].seq : null,
    newer: cursor.before !== undefined && events.length ? events[0].seq : null,
  };
}

/** Up to `limit` rows after `cursor` in the page's direction, optionally only within `bound` (a seq range edge). */
async function pageRows(
  run: SqlRunner,
  where: { sql: string; params: unknown[] },
  cursor: { before?: bigint; after?: bigint },
  limit: number,
  ascending: boolean,
  bound?: { op: ">=" | "<" | "<=" | ">"; seq: string },
): Promise<EventRow[]> {
  const params = [...where.params];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conds = [where.sql];
  if (ascending) conds.push(`e.seq > ${p(cursor.after!.toString())}::bigint`);
  else if (cursor.before !== undefined) conds.push(`e.seq < ${p(cursor.before.toString())}::bigint`);
  if (bound) conds.push(`e.seq ${bound.op} ${p(bound.seq)}::bigint`);
  return run<EventRow>(`${PLANNED_PER_CALL}SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE ${conds.join(" AND ")} ORDER BY e.seq ${ascending ? "ASC" : "DESC"} LIMIT ${p(limit)}::int`, params);
}

/**
 * A free-text page: the next TEXT_WINDOW events in order first (no index), then, if the page is not full, the rest
 * through the trigram index. Bounds both a common term (found in the window) and a rare one (found by the index).
 */
async function textSearchRows(run: SqlRunner, scope: AuditScope, filter: AuditFilter, cursor: { before?: bigint; after?: bigint }, limit: number, ascending: boolean): Promise<EventRow[]> {
  let edge: bigint;
  if (ascending) edge = cursor.after! + BigInt(TEXT_WINDOW);
  else if (cursor.before !== undefined) edge = cursor.before - BigInt(TEXT_WINDOW);
  else edge = (await latestSeq(run)) + 1n - BigInt(TEXT_WINDOW);
  const near = await pageRows(run, buildWhere(scope, filter, 1, { textIndex: false }), cursor, limit, ascending, { op: ascending ? "<=" : ">=", seq: edge.toString() });
  if (near.length >= limit) return near;
  const far = await pageRows(run, buildWhere(scope, filter), cursor, limit - near.length, ascending, { op: ascending ? ">" : "<", seq: edge.toString() });
  return near.concat(far);
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
  const inner = `${PLANNED_PER_CALL}SELECT * FROM audit_event e WHERE ${where.sql} AND e.seq > $${n + 1}::bigint AND e.seq <= $${n + 2}::bigint ORDER BY e.seq ASC LIMIT $${n + 3}::int`;
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
