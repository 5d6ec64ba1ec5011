import type { NextRequest } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { exportAccessReviewAction } from "@/lib/access/actions";
import { attachment, json } from "@/lib/audit/http";
import { LIMITS } from "@/lib/http/rate-limit";
import { rateLimited } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/**
 * The access review as CSV (`?date=YYYY-MM-DD[&runbookId=…]`: who could approve that day; no date: the whole role
 * history). The export and its question are recorded in the audit chain ("access.review.exported"), refusals too.
 */
export async function GET(req: NextRequest) {
  const search = req.nextUrl.searchParams;
  const actor = await currentActor().catch(() => null);
  if (actor) {
    const limited = await rateLimited(LIMITS.export, actor.id, "exports from you this minute");
    if (limited) return limited;
  }
  const result = await executeAction(exportAccessReviewAction, actor, { date: search.get("date") ?? undefined, runbookId: search.get("runbookId") ?? undefined });
  if (!result.ok) return json(result, { status: HTTP_STATUS[result.code] });
  return new Response(result.data.csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": attachment(result.data.fileName),
      "cache-control": "private, no-store",
    },
  });
}
