import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { parseRunbook } from "../runbooks/loader";

/** Recent runs the person may see (every role may view runs). */
export async function listRecentRuns(actor: Actor, take = 10) {
  if (!can(actor, "run.view")) return [];
  return db().run.findMany({
    orderBy: { startedAt: "desc" },
    take,
    select: { id: true, runbookId: true, status: true, drill: true, startedAt: true, startedBy: { select: { name: true } } },
  });
}

/** One run with the exact runbook version it executes (parsed from the stored text, not the current file). */
export async function getRun(actor: Actor, id: string) {
  if (!can(actor, "run.view")) return null;
  const run = await db().run.findUnique({
    where: { id },
    include: { startedBy: { select: { name: true, email: true } }, runbook: true },
  });
  if (!run) return null;
  const runbook = parseRunbook(`${run.runbookId}@${run.contentHash.slice(0, 12)}`, run.runbook.source);
  return { ...run, runbook };
}
