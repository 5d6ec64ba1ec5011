import "server-only";
import { db } from "../db";
import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { verifyChain } from "../audit/log";

export const AUDIT_PAGE_SIZE = 50;

/**
 * Audit events newest first, a page at a time by keyset (`before` = a sequence number), so pages stay stable
 * while new events arrive. Auditors, InfoSec and incident commanders see everything; others their own actions.
 */
export async function listAuditEvents(actor: Actor, opts: { before?: bigint } = {}) {
  const seeAll = can(actor, "audit.view.all");
  if (!seeAll && !can(actor, "audit.view.own")) return { events: [], scope: "none" as const, nextBefore: null };
  const rows = await db().auditEvent.findMany({
    where: { ...(seeAll ? {} : { actorId: actor.id }), ...(opts.before ? { seq: { lt: opts.before } } : {}) },
    orderBy: { seq: "desc" },
    take: AUDIT_PAGE_SIZE + 1,
  });
  const events = rows.slice(0, AUDIT_PAGE_SIZE);
  return {
    events,
    scope: seeAll ? ("all" as const) : ("own" as const),
    nextBefore: rows.length > AUDIT_PAGE_SIZE ? events[events.length - 1].seq : null,
  };
}

/** Verifies the whole chain for someone allowed to; null for others. */
export async function verifyAuditChain(actor: Actor) {
  if (!can(actor, "audit.verify")) return null;
  return verifyChain(db());
}
