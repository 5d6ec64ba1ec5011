import { NextResponse, type NextRequest } from "next/server";
import { decode } from "next-auth/jwt";

/** Auth.js's session cookie names (the __Secure- one over HTTPS); each is also the salt of its token's key. */
const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"];

/** The cookie's value, put back together when Auth.js split a large token into `name.0`, `name.1`, … */
function cookieValue(req: NextRequest, name: string): string | undefined {
  const whole = req.cookies.get(name)?.value;
  if (whole) return whole;
  const chunks = req.cookies
    .getAll()
    .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
  return chunks.length ? chunks.map((c) => c.value).join("") : undefined;
}

/**
 * True when the request carries a session token this portal issued and that has not expired: it decrypts under
 * AUTH_SECRET (a forged or foreign cookie does not). Costs one key derivation and one AES-GCM decryption, well
 * under a millisecond (docs/benchmarks.md, "Proxy token check").
 */
async function hasValidSession(req: NextRequest): Promise<boolean> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) return false;
  for (const name of SESSION_COOKIES) {
    const token = cookieValue(req, name);
    if (!token) continue;
    try {
      const claims = await decode({ token, secret, salt: name });
      if (claims?.sub && (typeof claims.exp !== "number" || claims.exp * 1000 > Date.now())) return true;
    } catch {
      // not ours, tampered with, or made under an old secret: treated as no session
    }
  }
  return false;
}

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
 * Every page: a fresh CSP nonce, and — except on the sign-in pages — a valid session token, or a redirect to
 * sign-in before anything is rendered. The proxy writes no cookie (so a prefetch in flight during sign-out cannot
 * bring the session back). Every page, server action and route handler still checks the person, and that they
 * are not disabled, against the database itself.
 */
export async function proxy(req: NextRequest) {
  const signInPage = req.nextUrl.pathname === "/signin" || req.nextUrl.pathname.startsWith("/signin/");
  if (!signInPage && !(await hasValidSession(req))) {
    const url = new URL("/signin", req.nextUrl.origin);
    const back = req.nextUrl.pathname + req.nextUrl.search;
    if (back !== "/") url.searchParams.set("callbackUrl", back);
    return NextResponse.redirect(url);
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(req.headers);
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("content-security-policy", policy);
  return res;
}

export const config = {
  // Every page (sign-in included, for its CSP); not Auth.js, the JSON APIs or static files.
  matcher: ["/((?!api/|_next/|favicon|.*\\.(?:svg|png|ico|txt|css|js)$).*)"],
};
