/**
 * Raw reads of the audit log for the bulk paths (verification, export, bundles): one SQL text, run either through
 * the Prisma client (or a Prisma transaction) or a plain `pg` client, with rows mapped to StoredEvent by hand.
 * Only the columns needed are read, and the time comes back as ISO text, which is cheaper than the driver's date
 * parsing at a million rows.
 */
import type { StoredEvent } from "./chain";
import { core } from "./hash-core";
import { PLANNED_PER_CALL, type SqlRunner } from "../sql";

/** The selected columns of an event, in a form both drivers return the same way (bigint and uuid as text). */
export const EVENT_COLUMNS = `e.seq::text AS seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
  e."actorId"::text AS "actorId", e."actorEmail", e."actorRoles", e.action, e.outcome, e."targetType", e."targetId",
  e.details::text AS details, e."requestId", e."prevHash", e.hash`;

export type EventRow = {
  seq: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  actorRoles: string[] | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  /** jsonb as text. */
  details: string;
  requestId: string | null;
  prevHash: string;
  hash: string;
};

export function toStoredEvent(r: EventRow): StoredEvent {
  return {
    seq: BigInt(r.seq),
    at: new Date(r.at),
    actorId: r.actorId,
    actorEmail: r.actorEmail,
    actorRoles: r.actorRoles ?? [],
    action: r.action,
    outcome: r.outcome,
    targetType: r.targetType,
    targetId: r.targetId,
    // Read as text and parsed here, the same way for both drivers and whatever JSON value the column holds (a
    // tampered row may hold a bare string, which a driver's own parsing would leave ambiguous).
    details: JSON.parse(r.details),
    requestId: r.requestId,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

/**
 * Events with seq >= `from` (and <= `through`), ascending, a batch at a time. Callers page with `from` = the last
 * seq they saw and drop the rows they already had: that way a second row with a repeated sequence number (possible
 * only if someone dropped the primary key) is never skipped at a batch boundary.
 */
export async function readEventsFrom(run: SqlRunner, from: bigint, limit: number, through?: bigint): Promise<StoredEvent[]> {
  const rows = through === undefined
    ? await run<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE e.seq >= $1::bigint ORDER BY e.seq LIMIT $2::int`, [from.toString(), limit])
    : await run<EventRow>(`SELECT ${EVENT_COLUMNS} FROM audit_event e WHERE e.seq >= $1::bigint AND e.seq <= $3::bigint ORDER BY e.seq LIMIT $2::int`, [from.toString(), limit, through.toString()]);
  return rows.map(toStoredEvent);
}

/**
 * One batch as a single text value (fields joined by U+001F, rows by U+001E), which is several times cheaper to
 * receive than thirteen columns a row. Nullable fields carry a leading "." when set, so NULL and "" stay apart.
 * Returns null when a row cannot be split safely (a value containing a separator, an unusual array), and the
 * caller reads that batch the ordinary way.
 */
export const PACKED_ROW = [
  `e.seq::text`,
  `(extract(epoch FROM e.at) * 1000)::bigint::text`,
  `coalesce('.' || e."actorId"::text, '')`,
  `coalesce('.' || e."actorEmail", '')`,
  `coalesce('.' || e."actorRoles"::text, '')`,
  `e.action`,
  `e.outcome`,
  `coalesce('.' || e."targetType", '')`,
  `coalesce('.' || e."targetId", '')`,
  `e.details::text`,
  `coalesce('.' || e."requestId", '')`,
  `e."prevHash"`,
  `e.hash`,
].join(` || E'\\x1f' || `);


/**
 * Runs `inner` (a SELECT of audit_event rows aliased `e`, with its own ORDER BY e.seq and LIMIT) and returns its rows
 * in ascending seq order, packed; null when the batch has to be read the ordinary way.
 */
export async function readPacked(run: SqlRunner, inner: string, params: unknown[]): Promise<StoredEvent[] | null> {
  // A statement planned per call stays so when wrapped (see PLANNED_PER_CALL).
  const first = inner.startsWith(PLANNED_PER_CALL) ? PLANNED_PER_CALL : "";
  const [row] = await run<{ t: string | null; n: number }>(`${first}SELECT string_agg(${PACKED_ROW}, E'\\x1e' ORDER BY e.seq) AS t, count(*)::int AS n FROM (${inner}) e`, params);
  const n = Number(row?.n ?? 0);
  if (!row?.t) return n === 0 ? [] : null;
  const lines = row.t.split("\x1e");
  if (lines.length !== n) return null;
  const events: StoredEvent[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = core.parsePacked(lines[i].split("\x1f"));
    if (!e) return null;
    events[i] = { ...e, seq: BigInt(e.seq) };
  }
  return events;
}

export function readEventsPacked(run: SqlRunner, from: bigint, limit: number, through?: bigint): Promise<StoredEvent[] | null> {
  return through === undefined
    ? readPacked(run, `SELECT * FROM audit_event e WHERE e.seq >= $1::bigint ORDER BY e.seq LIMIT $2::int`, [from.toString(), limit])
    : readPacked(run, `SELECT * FROM audit_event e WHERE e.seq >= $1::bigint AND e.seq <= $3::bigint ORDER BY e.seq LIMIT $2::int`, [from.toString(), limit, through.toString()]);
}

/**
 * All events from `from` on (to `through`), ascending, in batches, each row once. Yields batches; stop iterating to
 * stop reading.
 */
export async function* scanEvents(
  run: SqlRunner,
  opts: { from?: bigint; through?: bigint; batchSize?: number; packed?: boolean; after?: { seq: bigint; hash: string } } = {},
): AsyncGenerator<StoredEvent[]> {
  const batchSize = Math.max(2, opts.batchSize ?? 5_000);
  // `after`: start just past a known row, yet still see any other row that carries its sequence number.
  let from = opts.after ? opts.after.seq : (opts.from ?? 0n);
  let seen = new Set<string>(opts.after ? [opts.after.hash] : []);
  const read = async (at: bigint) => (opts.packed === false ? null : await readEventsPacked(run, at, batchSize, opts.through)) ?? (await readEventsFrom(run, at, batchSize, opts.through));
  // The next batch is asked for before this one is handed out, so the database works while the caller hashes.
  let ahead: Promise<StoredEvent[]> | null = null;
  for (;;) {
    const rows = await (ahead ?? read(from));
    ahead = null;
    const fresh = rows.filter((r) => !(r.seq === from && seen.has(r.hash)));
    if (fresh.length === 0) {
      if (rows.length < batchSize) return;
      // A batch entirely of rows already seen (more duplicates of one seq than a batch holds): move on past it.
      from += 1n;
      seen = new Set();
      continue;
    }
    if (rows.length < batchSize) {
      yield fresh;
      return;
    }
    const last = fresh[fresh.length - 1].seq;
    seen = new Set(last === from ? [...seen] : []);
    for (const r of fresh) if (r.seq === last) seen.add(r.hash);
    from = last;
    ahead = read(from);
    ahead.catch(() => {}); // awaited on the next turn; this only keeps an early failure from being reported as unhandled
    yield fresh;
  }
}
