import { NextResponse, type NextRequest } from "next/server";
import { signOut } from "@/auth";
import { currentSession } from "@/lib/auth/session";
import { browserOrigin } from "@/lib/http/request-origin";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

/**
 * Where a request lands whose session no longer holds (disabled, removed, revoked, idle, expired): clears the session
 * cookie and shows the sign-in page with the reason. A valid session is left alone.
 */
export async function GET(req: NextRequest) {
  const session = await currentSession();
  // The address the browser used (Next.js reports 127.0.0.1 as localhost, where the cookie is not sent).
  const origin = browserOrigin(req.headers, req.url);
  const target = new URL("/signin", origin);
  if (session.actor) return NextResponse.redirect(new URL("/", origin));
  if (session.reason !== "signed-out") {
    log.warn("auth.session.ended", { reason: session.reason });
    target.searchParams.set("error", session.reason);
    await signOut({ redirect: false });
  }
  return NextResponse.redirect(target);
}
