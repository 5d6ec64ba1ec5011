import { NextResponse } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { PERMISSIONS, can, type Permission } from "@/lib/auth/permissions";
import type { Me } from "@/lib/client/me";

export const dynamic = "force-dynamic";

/** The signed-in person and what they may do; 401 with the reason when there is none (or they were disabled). */
export async function GET() {
  const session = await currentSession();
  if (!session.actor) return NextResponse.json({ reason: session.reason }, { status: 401, headers: { "Cache-Control": "no-store" } });
  const { actor } = session;
  const permissions = (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(actor, p));
  const me: Me = { ...actor, permissions };
  return NextResponse.json(me, { headers: { "Cache-Control": "private, no-store" } });
}
