import type { NextRequest } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { exportAuditAction } from "@/lib/audit/actions";
import { openAuditExport } from "@/lib/data/audit";
import { exportFileName } from "@/lib/audit/export";
import { attachment, json } from "@/lib/audit/http";
import { auditFilterSchema } from "@/lib/validation/audit";
import { exportInput } from "./schema";
import { LIMITS } from "@/lib/http/rate-limit";
import { rateLimited } from "@/lib/next/json-route";

export const dynamic = "force-dynamic";

/**
 * The filtered view as CSV or JSON Lines, streamed. The export is recorded first ("audit.exported", with the filter
 * and the newest event it covers); a refusal is recorded too. Own-actions readers export their own actions only.
 */
export async function GET(req: NextRequest) {
  const input = exportInput(req.nextUrl.searchParams);
  const actor = await currentActor().catch(() => null);
  if (actor) {
    const limited = await rateLimited(LIMITS.export, actor.id, "exports from you this minute");
    if (limited) return limited;
  }
  const recorded = await executeAction(exportAuditAction, actor, input);
  if (!recorded.ok) return json(recorded, { status: HTTP_STATUS[recorded.code] });
  const filter = auditFilterSchema.parse(input.filter);
  const stream = openAuditExport(actor!, filter, recorded.data.format, recorded.data);
  if (!stream) return json({ ok: false, code: "FORBIDDEN", message: "You do not have permission to export the audit log." }, { status: 403 });
  const now = new Date();
  return new Response(stream, {
    headers: {
      "content-type": recorded.data.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": attachment(exportFileName(recorded.data.format, recorded.data.filter, now)),
      "cache-control": "private, no-store",
      "x-audit-export-through": recorded.data.through,
    },
  });
}
