import type { NextRequest } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { listAuditEvents } from "@/lib/data/audit";
import { json } from "@/lib/audit/http";
import { readRefusal } from "@/lib/http/read-access";
import { filterToQuery, parseAuditQuery } from "@/lib/validation/audit";
import { paths } from "@/lib/paths";

export const dynamic = "force-dynamic";

/** A filtered page of audit events, newest first (the page's query string; `before`/`after` are keyset cursors). */
export async function GET(req: NextRequest) {
  const { filter, cursor } = parseAuditQuery(req.nextUrl.searchParams);
  if (!filter.success || !cursor.success) {
    const issues = [...(filter.error?.issues ?? []), ...(cursor.error?.issues ?? [])];
    return json({ ok: false, code: "INVALID", message: "Some filters need attention.", fieldErrors: Object.fromEntries(issues.map((i) => [String(i.path[0]), [i.message]])) }, { status: 400 });
  }
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "audit.view.own", "GET /api/audit/events");
  if (refused) return refused;
  const page = await listAuditEvents(actor!, filter.data, cursor.data);
  const query = filterToQuery(filter.data);
  return json({
    scope: page.scope,
    filter: query,
    events: page.events,
    older: page.older,
    newer: page.newer,
    next: page.older !== null ? paths.api.auditEvents({ ...query, before: page.older.toString() }) : null,
    previous: page.newer !== null ? paths.api.auditEvents({ ...query, after: page.newer.toString() }) : null,
  });
}
