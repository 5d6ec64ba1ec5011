import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authConfig } from "./auth.config";

const { auth } = NextAuth(authConfig);

/**
 * Sends anonymous page requests to the sign-in page. This is a convenience only: every page, server action and
 * route handler checks the person (and that they are not disabled) against the database itself.
 */
export const proxy = auth((req) => {
  if (req.auth?.user) return NextResponse.next();
  const url = new URL("/signin", req.nextUrl.origin);
  const back = req.nextUrl.pathname + req.nextUrl.search;
  if (back !== "/") url.searchParams.set("callbackUrl", back);
  return NextResponse.redirect(url);
});

export const config = {
  // Everything but sign-in, Auth.js itself, the health and webhook APIs, and static files.
  matcher: ["/((?!signin|api/|_next/|favicon|.*\\.(?:svg|png|ico|txt|css|js)$).*)"],
};
