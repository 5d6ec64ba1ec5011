import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";

/** Recent runs the person may see (every role may view runs). */
export async function listRecentRuns(actor: Actor, take = 10) {
  if (!can(actor, "run.view")) return [];
  return db().run.findMany({
    orderBy: { startedAt: "desc" },
    take,
    select: { id: true, runbookId: true, status: true, drill: true, startedAt: true, startedBy: { select: { name: true } } },
  });
}
