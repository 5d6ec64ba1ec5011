import { NextResponse } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { withoutAddresses } from "@/lib/control-plane/errors";
import { sharedTelemetry } from "@/lib/control-plane/telemetry";
import { db } from "@/lib/db";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * Whether the control plane answers (from the shared, briefly cached telemetry read, so polling viewers do not
 * multiply upstream calls) and how many commands wait in the outbox. For the banner every signed-in page shows.
 */
export async function GET(req: Request) {
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, null, "GET /api/control-plane/status", req.headers);
  if (refused) return refused;
  let reachable = false;
  let error: string | null = null;
  let fetchedAt: string | null = null;
  try {
    const read = await sharedTelemetry().read();
    reachable = read.data !== null && !read.stale;
    error = read.error;
    fetchedAt = read.fetchedAt?.toISOString() ?? null;
  } catch (e) {
    // A configuration error (CONTROL_PLANE_URL missing or malformed): the hint is shown, any address only logged.
    log.warn("control-plane.status.failed", { err: e });
    error = withoutAddresses(e instanceof Error ? e.message : String(e));
  }
  const queued = await db()
    .command.count({ where: { state: { in: ["PENDING", "SENDING"] } } })
    .catch(() => null);
  return NextResponse.json({ reachable, error, fetchedAt, queuedCommands: queued }, { headers: { "Cache-Control": "private, no-store" } });
}
