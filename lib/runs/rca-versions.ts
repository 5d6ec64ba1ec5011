import { createHash } from "node:crypto";
import { ActionError } from "../actions/result";
import type { Actor } from "../auth/roles";
import type { Tx } from "../db";

/** sha256 (hex) of an RCA's Markdown as stored (UTF-8): what the audit log records of each version. */
export function rcaHash(markdown: string): string {
  return createHash("sha256").update(markdown, "utf8").digest("hex");
}

/**
 * Appends the next version of a run's RCA, if the RCA is still at `baseVersion` (the version the editor started
 * from). A save based on an older version is refused naming who saved the newer one, and changes nothing; of two
 * saves on the same version at the same moment, the second finds the version moved and is refused.
 */
export async function appendRcaVersion(tx: Tx, input: { runId: string; baseVersion: number; markdown: string; actor: Actor }, now = new Date()) {
  const { runId, baseVersion, markdown, actor } = input;
  const version = baseVersion + 1;
  // Conditional on the base version: the row lock makes a concurrent save wait, then find the version moved.
  const moved = await tx.run.updateMany({ where: { id: runId, rcaVersion: baseVersion }, data: { rcaVersion: version, rcaMarkdown: markdown, rcaUpdatedAt: now } });
  if (moved.count === 0) {
    const latest = await tx.rcaVersion.findFirst({ where: { runId }, orderBy: { version: "desc" }, select: { version: true, authorName: true } });
    if (latest && latest.version > baseVersion) throw new ActionError("CONFLICT", `${latest.authorName} saved version ${latest.version} meanwhile; reload to see it.`);
    throw new ActionError("CONFLICT", `This RCA has no version ${baseVersion}; reload to see the latest.`);
  }
  const previous = baseVersion > 0 ? await tx.rcaVersion.findUnique({ where: { runId_version: { runId, version: baseVersion } }, select: { sha256: true } }) : null;
  const sha256 = rcaHash(markdown);
  // Thrown inside the transaction, so the version moved above is rolled back.
  if (previous?.sha256 === sha256) throw new ActionError("INVALID", `Nothing changed since version ${baseVersion}.`, { markdown: [`Nothing changed since version ${baseVersion}.`] });
  await tx.rcaVersion.create({ data: { runId, version, markdown, sha256, authorId: actor.id, authorName: actor.name, createdAt: now } });
  return { version, sha256, previousSha256: previous?.sha256 ?? null };
}
