import { NextResponse } from "next/server";
import { currentSession } from "@/lib/auth/session";
import { permissionsOf } from "@/lib/auth/permissions";
import { devSignInOrOff } from "@/lib/auth/dev-sign-in";
import { env } from "@/lib/env";
import type { Me } from "@/lib/client/me";

export const dynamic = "force-dynamic";

/**
 * The signed-in person and what they may do; 401 with the reason when there is none (or they were disabled). Both
 * say in `x-dev-sign-in: forced` when passwordless sign-in is forced, for the banner every page shows then.
 */
export async function GET() {
  const session = await currentSession();
  const devSignIn: Record<string, string> = devSignInOrOff(env()).forced ? { "x-dev-sign-in": "forced" } : {};
  if (!session.actor) return NextResponse.json({ reason: session.reason }, { status: 401, headers: { "Cache-Control": "no-store", ...devSignIn } });
  const { actor } = session;
  const me: Me = { ...actor, permissions: permissionsOf(actor) };
  return NextResponse.json(me, { headers: { "Cache-Control": "private, no-store", ...devSignIn } });
}
