/**
 * The check every reading route handler makes before it reads: someone is signed in (401; logged, counted, and at
 * most one audit summary per source per minute, as for every anonymous refusal) and holds the permission (403,
 * logged and written to the audit log as the person's own refused event, like a refused action). `permission`
 * null: any signed-in person may read. Web-standard Response only, so lib/ stays framework-free.
 */
import { appendAudit } from "../audit/log";
import { can, type Permission } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { db } from "../db";
import { log } from "../log";
import { recordAnonymousRefusal, requestSource } from "./anonymous-refusals";

/** The audit action of a refused read; the endpoint is its target. */
export const READ_REFUSED_ACTION = "api.read";

const answer = (status: 401 | 403, code: string, message: string) =>
  new Response(JSON.stringify({ ok: false, code, message }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });

export async function readRefusal(actor: Actor | null, permission: Permission | null, endpoint: string, headers?: Headers): Promise<Response | null> {
  if (!actor) {
    await recordAnonymousRefusal({ ...(headers ? requestSource(headers) : { source: "direct" }), endpoint, reason: "not signed in" });
    return answer(401, "UNAUTHENTICATED", "Sign in first.");
  }
  if (permission === null || can(actor, permission)) return null;
  log.warn("route.refused", { route: endpoint, actorId: actor.id, permission });
  try {
    await db().$transaction((tx) =>
      appendAudit(tx, {
        actor,
        action: READ_REFUSED_ACTION,
        outcome: "refused",
        target: { type: "endpoint", id: endpoint },
        details: { reason: `role lacks permission ${permission}`, permission },
      }),
    );
  } catch (e) {
    log.error("audit.refusal.write_failed", { route: endpoint, err: e });
  }
  return answer(403, "FORBIDDEN", "You do not have permission to do this.");
}
