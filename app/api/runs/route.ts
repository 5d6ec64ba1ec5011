import { NextResponse } from "next/server";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { jsonRoute } from "@/lib/next/json-route";
import { startRunAction } from "@/lib/runs/start-run";
import { paths } from "@/lib/paths";

export const dynamic = "force-dynamic";

/** Starts a run (JSON API for automation and the same path the page's server action takes). */
export const POST = jsonRoute({ endpoint: "POST /api/runs", maxBytes: BODY_LIMITS.action, rateLimit: LIMITS.action }, async ({ actor, body }) => {
  const result = await executeAction(startRunAction, actor, body);
  if (!result.ok) return NextResponse.json(result, { status: HTTP_STATUS[result.code] });
  return NextResponse.json({ ...result, url: paths.run(result.data.runId) }, { status: 201 });
});
