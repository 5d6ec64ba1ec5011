import { NextResponse, type NextRequest } from "next/server";

/** Auth.js's session cookie names (the __Secure- one over HTTPS). */
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/**
 * Sends requests without a session cookie to the sign-in page. A convenience only, and deliberately cheap: it reads
 * no token and writes no cookie (so a prefetch in flight during sign-out cannot bring the session back). Every page,
 * server action and route handler checks the person — and that they are not disabled — against the database itself.
 */
export function proxy(req: NextRequest) {
  if (SESSION_COOKIES.some((name) => req.cookies.has(name) || req.cookies.getAll().some((c) => c.name.startsWith(`${name}.`)))) return NextResponse.next();
  const url = new URL("/signin", req.nextUrl.origin);
  const back = req.nextUrl.pathname + req.nextUrl.search;
  if (back !== "/") url.searchParams.set("callbackUrl", back);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but sign-in, Auth.js itself, the health and webhook APIs, and static files.
  matcher: ["/((?!signin|api/|_next/|favicon|.*\\.(?:svg|png|ico|txt|css|js)$).*)"],
};
