import { NextResponse } from "next/server";
import { db } from "@/lib/db";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/** Liveness and database reachability, for load balancers, the launcher and tests. No authentication. */
export async function GET() {
  const started = performance.now();
  try {
    await Promise.race([
      db().$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("database check timed out after 2 s")), 2_000)),
    ]);
    return NextResponse.json(
      { status: "ok", database: { status: "up", latencyMs: Math.round(performance.now() - started) } },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (e) {
    log.warn("health.database_down", { err: e });
    return NextResponse.json(
      { status: "degraded", database: { status: "down", error: "PostgreSQL is unreachable" } },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
