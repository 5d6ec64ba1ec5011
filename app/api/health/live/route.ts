import { NextResponse } from "next/server";
import { isShuttingDown } from "@/lib/shutdown";

export const dynamic = "force-dynamic";

/** Liveness: the process answers. No database, no authentication (docs/operations.md). */
export function GET() {
  return NextResponse.json(
    { status: "ok", uptimeSeconds: Math.round(process.uptime()), shuttingDown: isShuttingDown() },
    { headers: { "Cache-Control": "no-store" } },
  );
}
