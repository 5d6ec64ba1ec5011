import { join } from "node:path";
import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env";
import { db } from "./lib/db";
import { sessionLifetime } from "./lib/auth/lifetime";
import { personCheck } from "./lib/auth/person-check";
import { can, type Permission } from "./lib/auth/permissions";
import { readSessionToken, refreshedSessionCookie, sessionClaims, tokenLifetime } from "./lib/auth/session-token";
import { browserOrigin } from "./lib/http/request-origin";
import { prerenderedPages, scriptHash } from "./lib/http/static-pages";
import { THEME_SCRIPT } from "./lib/http/theme-script";

/** Where a page's scripts may come from: this response's nonce, or the hashes of a prerendered page's scripts. */
export type ScriptSources = { nonce: string } | { hashes: string[] };

const THEME_SCRIPT_HASH = scriptHash(THEME_SCRIPT);

/**
 * The page's Content-Security-Policy. No 'unsafe-inline' for scripts, so markup injected into a page cannot run.
 * - Rendered per request: scripts with this response's nonce (Next.js puts it on its own inline bootstrap and chunk
 *   scripts when it finds the policy on the request), and what those load ('strict-dynamic').
 * - Prerendered (the same HTML for everyone, so no nonce can be in it): exactly the inline scripts the build wrote,
 *   by hash, and script files from the portal itself ('self'; 'strict-dynamic' would refuse the page's own
 *   `<script src>` tags, which carry no nonce). The choice and its cost: docs/benchmarks.md, "Prerendered pages behind
 *   the proxy".
 * The root layout's theme script is allowed by its hash on both. Styles keep 'unsafe-inline': Next and Recharts set
 * inline styles, and a style cannot run code. `next dev` also needs 'unsafe-eval'.
 */
export function contentSecurityPolicy(scripts: ScriptSources, dev = process.env.NODE_ENV === "development"): string {
  const sources =
    "nonce" in scripts ? `'nonce-${scripts.nonce}' ${THEME_SCRIPT_HASH} 'strict-dynamic'` : [...new Set([THEME_SCRIPT_HASH, ...scripts.hashes])].join(" ");
  return [
    "default-src 'self'",
    `script-src 'self' ${sources}${dev ? " 'unsafe-eval'" : ""}`,
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

let prerendered: Map<string, string> | undefined;
/** The policy of each prerendered page of the build this server runs, read and written once (lib/http/static-pages.ts). */
function prerenderedPolicy(path: string): string | undefined {
  prerendered ??= new Map([...prerenderedPages(join(process.cwd(), ".next"))].map(([page, hashes]) => [page, contentSecurityPolicy({ hashes })]));
  return prerendered.get(path);
}

/**
 * What each prerendered page needs, checked here since no render does (null: anyone signed in). A page the build
 * prerendered that is not listed is refused, so a page that turns static by accident is not served unchecked.
 */
export const PRERENDERED_PERMISSION: Record<string, Permission | null> = { "/runbooks": "runbook.view", "/incidents": "incident.view", "/forbidden": null };

const judgePerson = personCheck((id) =>
  db().person.findUnique({ where: { id }, select: { id: true, email: true, name: true, roles: true, idpRoles: true, blockedRoles: true, disabled: true, sessionVersion: true } }),
);

/**
 * Every page: a fresh CSP nonce (or, on a prerendered page, its scripts' hashes), and — except on the sign-in pages —
 * a session token this portal issued that is within its idle and absolute lifetimes, or a redirect to sign-in
 * before anything is rendered. A page load or a server action is activity: once a minute the token is re-issued
 * with the time of it (lib/auth/session-token.ts). Pages rendered per request, server actions and route handlers
 * check the person against the database themselves (disabled, session version); a prerendered page has no render
 * to do it, so the proxy does it here (lib/auth/person-check.ts).
 */
export async function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  const signInPage = path === "/signin" || path.startsWith("/signin/");
  const staticPolicy = signInPage ? undefined : prerenderedPolicy(path);
  let refresh: Awaited<ReturnType<typeof refreshedSessionCookie>> = null;
  if (!signInPage) {
    const now = Date.now();
    const nowSeconds = Math.floor(now / 1000);
    const secret = process.env.AUTH_SECRET;
    const token = await readSessionToken(req.cookies, secret, nowSeconds);
    // The address the browser used: Next.js reports 127.0.0.1 as localhost, where the session cookie is not sent.
    const origin = browserOrigin(req.headers, req.url);
    if (!token) {
      const url = new URL("/signin", origin);
      const back = path + req.nextUrl.search;
      if (back !== "/") url.searchParams.set("callbackUrl", back);
      return NextResponse.redirect(url);
    }
    const lifetime = sessionLifetime(env());
    const check = tokenLifetime(token, nowSeconds, lifetime);
    // /signin/ended clears the cookie and says why.
    if (!check.ok) return NextResponse.redirect(new URL(`/signin/ended?reason=${check.reason}`, origin));
    if (staticPolicy) {
      const session = await judgePerson(sessionClaims(token), now, lifetime);
      if (!session.actor) return NextResponse.redirect(new URL(`/signin/ended?reason=${session.reason}`, origin));
      const needs = PRERENDERED_PERMISSION[path];
      if (needs === undefined || (needs !== null && !can(session.actor, needs))) return NextResponse.redirect(new URL("/forbidden", origin));
    }
    if (check.refreshDue && secret) refresh = await refreshedSessionCookie(token, secret, nowSeconds, lifetime);
  }
  let res: NextResponse;
  let policy: string;
  if (staticPolicy) {
    policy = staticPolicy;
    res = NextResponse.next();
  } else {
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
    policy = contentSecurityPolicy({ nonce });
    const headers = new Headers(req.headers);
    headers.set("content-security-policy", policy);
    res = NextResponse.next({ request: { headers } });
  }
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
