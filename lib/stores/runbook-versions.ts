/**
 * The `runbook_version` table: the exact text each run executes, stored once per content hash, and parsed once per
 * process (cached by content hash). Plain SQL on a SqlRunner, like the runs store that uses it.
 */
import { Prisma } from "../generated/prisma/client";
import { query, type SqlRunner } from "../sql";
import { parseRunbook } from "../runbooks/loader";
import type { Runbook } from "../runbooks";

const parsed = new Map<string, Runbook>();

/** Keeps a runbook this process parsed from its file, so runs of it never read the stored text back. */
export function rememberRunbookVersion(runbook: Runbook): void {
  parsed.set(runbook.contentHash, runbook);
}

/** The runbook exactly as the run started it (parsed from the stored text, cached by content hash). */
export function runbookVersion(v: { contentHash: string; runbookId: string; source: string }): Runbook {
  let rb = parsed.get(v.contentHash);
  if (!rb) {
    rb = parseRunbook(`${v.runbookId}@${v.contentHash.slice(0, 12)}`, v.source);
    parsed.set(v.contentHash, rb);
  }
  return rb;
}

/** The runbook version a run executes; its stored text is read only when this process has not parsed it yet. */
export async function loadRunbookVersion(sql: SqlRunner, v: { contentHash: string; runbookId: string }): Promise<Runbook> {
  const cached = parsed.get(v.contentHash);
  if (cached) return cached;
  const [row] = await query<{ source: string }>(sql, Prisma.sql`SELECT "source" FROM "runbook_version" WHERE "contentHash" = ${v.contentHash}`);
  if (!row) throw new Error(`Runbook version ${v.contentHash} is missing.`);
  return runbookVersion({ ...v, source: row.source });
}
