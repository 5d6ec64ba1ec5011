import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { diffLines, withContext, type DiffRow } from "../runs/line-diff";

export type RcaVersionView = { version: number; author: string; createdAt: string; sha256: string };
export type RcaHistory = {
  /** Newest first, without their text. */
  versions: RcaVersionView[];
  /** The lines one version changed from the one before it (version 1: from nothing), with a little context. */
  diff: { version: number; previous: number | null; rows: DiffRow[] } | null;
};

/** The saved versions of a run's RCA, newest first, without their text. */
export async function listRcaVersions(actor: Actor, runId: string): Promise<RcaVersionView[] | null> {
  if (!can(actor, "run.view")) return null;
  const rows = await db().rcaVersion.findMany({ where: { runId }, orderBy: { version: "desc" }, select: { version: true, authorName: true, createdAt: true, sha256: true } });
  return rows.map((v) => ({ version: v.version, author: v.authorName, createdAt: v.createdAt.toISOString(), sha256: v.sha256 }));
}

/** The saved versions of a run's RCA, and the changes of one of them (`diffOf`, default the latest). */
export async function getRcaHistory(actor: Actor, runId: string, diffOf?: number): Promise<RcaHistory | null> {
  const versions = await listRcaVersions(actor, runId);
  if (!versions) return null;
  const shown = versions.find((v) => v.version === diffOf) ?? versions[0];
  if (!shown) return { versions, diff: null };
  const previous = shown.version > 1 ? shown.version - 1 : null;
  const texts = await db().rcaVersion.findMany({ where: { runId, version: { in: previous ? [shown.version, previous] : [shown.version] } }, select: { version: true, markdown: true } });
  const text = (n: number | null) => texts.find((t) => t.version === n)?.markdown ?? "";
  return { versions, diff: { version: shown.version, previous, rows: withContext(diffLines(text(previous), text(shown.version))) } };
}

/** One saved version's Markdown, or null. */
export async function getRcaVersion(actor: Actor, runId: string, version: number): Promise<{ markdown: string } | null> {
  if (!can(actor, "run.view")) return null;
  return db().rcaVersion.findUnique({ where: { runId_version: { runId, version } }, select: { markdown: true } });
}
