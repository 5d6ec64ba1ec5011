import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { readiness } from "@/lib/health";
import { log } from "@/lib/log";
import { listRunbooks } from "@/lib/runbooks";

export const dynamic = "force-dynamic";

/**
 * Readiness: 200 while the database answers, every migration this build expects is applied, the runbooks load and
 * the process is not shutting down; 503 with the first failed check as `reason` otherwise. No authentication.
 */
export async function GET() {
  const result = await readiness({ db, runbooks: listRunbooks });
  // While shutting down, not-ready is expected: nothing to log at every probe.
  if (!result.ready && result.checks.shutdown.ok) log.warn("health.not_ready", { reason: result.reason });
  return NextResponse.json(
    { status: result.ready ? "ready" : "not-ready", reason: result.reason, checks: result.checks },
    { status: result.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
