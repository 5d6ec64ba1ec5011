import type { NextRequest } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { LIMITS } from "@/lib/http/rate-limit";
import { rateLimited } from "@/lib/next/json-route";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { exportBundleAction } from "@/lib/audit/actions";
import { bundleMarkdown } from "@/lib/audit/bundle";
import { getIncidentBundle } from "@/lib/data/audit";
import { attachment, json } from "@/lib/audit/http";

export const dynamic = "force-dynamic";

/**
 * An incident's evidence bundle: `?incident=<id>&format=json` (the document) or `format=md` (a readable summary).
 * Recorded as "audit.exported"; only auditors, InfoSec and incident commanders may take one (refusals recorded).
 */
export async function GET(req: NextRequest) {
  const input = { incidentId: req.nextUrl.searchParams.get("incident") ?? undefined, format: req.nextUrl.searchParams.get("format") ?? "json" };
  const actor = await currentActor().catch(() => null);
  if (actor) {
    const limited = await rateLimited(LIMITS.export, actor.id, "exports from you this minute");
    if (limited) return limited;
  }
  const recorded = await executeAction(exportBundleAction, actor, input);
  if (!recorded.ok) return json(recorded, { status: HTTP_STATUS[recorded.code] });
  const bundle = await getIncidentBundle(actor!, recorded.data.incidentId, recorded.data.requestId);
  if (!bundle) return json({ ok: false, code: "NOT_FOUND", message: "There is no such incident." }, { status: 404 });
  const name = `evidence-incident-${recorded.data.incidentId.slice(0, 8)}-${bundle.exportedAt.slice(0, 19).replace(/:/g, "")}`;
  if (recorded.data.format === "md") {
    return new Response(bundleMarkdown(bundle), { headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": attachment(`${name}.md`), "cache-control": "private, no-store" } });
  }
  return json(bundle, { headers: { "content-disposition": attachment(`${name}.json`) } });
}
