import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env";
import { sessionLifetime } from "./lib/auth/lifetime";
import { readSessionToken, refreshedSessionCookie, tokenLifetime } from "./lib/auth/session-token";
import { browserOrigin } from "./lib/http/request-origin";

/**
 * The page's Content-Security-Policy: scripts only with this response's nonce (Next.js puts it on its own inline
 * bootstrap and chunk scripts when it finds the policy on the request), and what those load ('strict-dynamic').
 * No 'unsafe-inline' for scripts, so markup injected into a page cannot run. Styles keep 'unsafe-inline': Next and
 * Recharts set inline styles, and a style cannot run code. `next dev` also needs 'unsafe-eval'.
 */
export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Every page: a fresh CSP nonce, and — except on the sign-in pages — a session token this portal issued that is
 * within its idle and absolute lifetimes, or a redirect to sign-in before anything is rendered. A page load or a
 * server action is activity: once a minute the token is re-issued with the time of it (lib/auth/session-token.ts).
 * Every page, server action and route handler still checks the person against the database itself (disabled,
 * session version), so a cookie re-issued while its session was being ended is refused all the same.
 */
export async function proxy(req: NextRequest) {
  const signInPage = req.nextUrl.pathname === "/signin" || req.nextUrl.pathname.startsWith("/signin/");
  let refresh: Awaited<ReturnType<typeof refreshedSessionCookie>> = null;
  if (!signInPage) {
    const now = Math.floor(Date.now() / 1000);
    const secret = process.env.AUTH_SECRET;
    const token = await readSessionToken(req.cookies, secret, now);
    // The address the browser used: Next.js reports 127.0.0.1 as localhost, where the session cookie is not sent.
    const origin = browserOrigin(req.headers, req.url);
    if (!token) {
      const url = new URL("/signin", origin);
      const back = req.nextUrl.pathname + req.nextUrl.search;
      if (back !== "/") url.searchParams.set("callbackUrl", back);
      return NextResponse.redirect(url);
    }
    const lifetime = sessionLifetime(env());
    const check = tokenLifetime(token, now, lifetime);
    // /signin/ended clears the cookie and says why.
    if (!check.ok) return NextResponse.redirect(new URL(`/signin/ended?reason=${check.reason}`, origin));
    if (check.refreshDue && secret) refresh = await refreshedSessionCookie(token, secret, now, lifetime);
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", policy);
  if (refresh) {
    res.cookies.set(refresh.set);
    for (const chunk of refresh.clear) res.cookies.delete(chunk);
  }
  return res;
}

export const config = {
  // Every page (sign-in included, for its CSP); not Auth.js, the JSON APIs, static files or /metrics (Prometheus,
  // bearer token checked by its own route; no session, no page CSP: docs/operations.md).
  matcher: ["/((?!api/|_next/|metrics$|favicon|.*\\.(?:svg|png|ico|txt|css|js)$).*)"],
};
