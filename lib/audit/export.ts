/**
 * Streamed exports of a filtered view of the audit log, as CSV or JSON Lines. Events are read in keyset batches
 * (oldest first, up to the newest event when the export started) and written to a ReadableStream as the reader
 * asks for them, so memory stays flat whatever the size and the first bytes leave at once.
 *
 * File conventions (both formats carry the same meta object first):
 * - JSON Lines: line 1 is `{"type":"meta",…}` (format, filter, scope, through, who, when); then one
 *   `{"type":"event",…}` per event with its hash and previous hash; the last line is `{"type":"end","count":N}`, so a
 *   cut-off download is recognisable.
 * - CSV: the first and the last line are metadata, each one quoted cell (`csvCell`) holding `# ` and a JSON object —
 *   the first the meta object, the last `{"type":"end","count":N}` — so a spreadsheet shows each in one cell and a
 *   filter such as `q=abc,=1+1` cannot start a cell of its own. The line after the first is the header row. Data
 *   rows start with the event number, never with a quote. Empty cells are NULL; details are canonical JSON; cells
 *   that a spreadsheet would run as a formula (starting with = + - @, tab or CR) are prefixed with an apostrophe.
 */
import type { StoredEvent } from "./chain";
import { canonicalJson } from "./canonical";
import { scanFiltered, type AuditScope } from "./filter-sql";
import type { SqlRunner } from "../sql";
import type { AuditFilter, ExportFormat } from "../validation/audit";

export const EXPORT_FORMAT_ID = "orchestrator-audit-export/v1";

export type ExportMeta = {
  type: "meta";
  format: typeof EXPORT_FORMAT_ID;
  filter: Record<string, string>;
  scope: "all" | "own";
  /** The newest event when the export started; later events are not included. */
  through: string;
  exportedBy: string;
  exportedAt: string;
  /** The request id of the export's own audit event ("audit.exported"). */
  requestId: string | null;
  order: "oldest first";
};

export const CSV_COLUMNS = ["seq", "at", "actor_id", "actor_email", "actor_roles", "action", "outcome", "target_type", "target_id", "request_id", "details", "prev_hash", "hash"] as const;

/** One CSV cell: quoted when needed, and with an apostrophe before a leading = + - @ tab or CR (no formula runs). */
export function csvCell(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A metadata line of the CSV file (see the module comment). */
export function csvMetaLine(value: object): string {
  return csvCell(`# ${JSON.stringify(value)}`);
}

export function csvRow(e: StoredEvent): string {
  return [
    e.seq.toString(),
    e.at.toISOString(),
    e.actorId,
    e.actorEmail,
    e.actorRoles.join(";"),
    e.action,
    e.outcome,
    e.targetType,
    e.targetId,
    e.requestId,
    canonicalJson(e.details ?? null),
    e.prevHash,
    e.hash,
  ]
    .map(csvCell)
    .join(",");
}

/** One event as plain JSON (sequence as text, times as ISO), as exports and evidence bundles carry it. */
export function eventJson(e: StoredEvent) {
  return {
    seq: e.seq.toString(),
    at: e.at.toISOString(),
    actorId: e.actorId,
    actorEmail: e.actorEmail,
    actorRoles: e.actorRoles,
    action: e.action,
    outcome: e.outcome,
    targetType: e.targetType,
    targetId: e.targetId,
    requestId: e.requestId,
    details: e.details ?? null,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

export function jsonlRow(e: StoredEvent): string {
  return JSON.stringify({ type: "event", ...eventJson(e) });
}

/** The export as a byte stream that reads the next batch only when the previous one was taken. */
export function exportStream(run: SqlRunner, scope: AuditScope, filter: AuditFilter, format: ExportFormat, meta: ExportMeta, opts: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const batches = scanFiltered(run, scope, filter, { through: BigInt(meta.through), batchSize: opts.batchSize ?? 2_000 });
  const row = format === "csv" ? csvRow : jsonlRow;
  let count = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const head = format === "csv" ? `${csvMetaLine(meta)}\n${CSV_COLUMNS.join(",")}\n` : `${JSON.stringify(meta)}\n`;
        controller.enqueue(encoder.encode(head));
      },
      async pull(controller) {
        try {
          const next = await batches.next();
          if (next.done) {
            const end = { type: "end", count };
            controller.enqueue(encoder.encode(format === "csv" ? `${csvMetaLine(end)}\n` : `${JSON.stringify(end)}\n`));
            controller.close();
            return;
          }
          count += next.value.length;
          let text = "";
          for (const e of next.value) text += row(e) + "\n";
          controller.enqueue(encoder.encode(text));
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await batches.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

/** A file name for the download: what, which filter, when. */
export function exportFileName(format: ExportFormat, filter: Record<string, string>, at: Date): string {
  const tag = Object.entries(filter)
    .map(([k, v]) => `${k}-${v}`)
    .join("_")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 80);
  return `audit-${at.toISOString().slice(0, 19).replace(/[:]/g, "")}${tag ? `_${tag}` : ""}.${format}`;
}
