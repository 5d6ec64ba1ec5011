import { NextResponse, type NextRequest } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { executeAction } from "@/lib/actions/safe-action";
import { HTTP_STATUS } from "@/lib/actions/result";
import { startRunAction } from "@/lib/runs/start-run";
import { paths } from "@/lib/paths";

export const dynamic = "force-dynamic";

/** Starts a run (JSON API for automation and the same path the page's server action takes). */
export async function POST(req: NextRequest) {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return NextResponse.json({ ok: false, code: "INVALID", message: "The body must be JSON." }, { status: 400 });
  }
  const result = await executeAction(startRunAction, await currentActor().catch(() => null), body);
  if (!result.ok) return NextResponse.json(result, { status: HTTP_STATUS[result.code] });
  return NextResponse.json({ ...result, url: paths.run(result.data.runId) }, { status: 201 });
}
