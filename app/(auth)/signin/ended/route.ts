import { NextResponse, type NextRequest } from "next/server";
import { signOut } from "@/auth";
import { currentSession } from "@/lib/auth/session";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * Where a request lands whose session no longer holds (the person was disabled or removed): clears the session
 * cookie and shows the sign-in page with the reason. A valid session is left alone.
 */
export async function GET(req: NextRequest) {
  const session = await currentSession();
  const target = new URL("/signin", req.nextUrl.origin);
  if (session.actor) return NextResponse.redirect(new URL("/", req.nextUrl.origin));
  if (session.reason !== "signed-out") {
    log.warn("auth.session.ended", { reason: session.reason });
    target.searchParams.set("error", session.reason);
    await signOut({ redirect: false });
  }
  return NextResponse.redirect(target);
}
