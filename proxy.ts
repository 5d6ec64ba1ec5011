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
 * Sends requests without a valid session token to the sign-in page, before any page (prerendered runbook pages
 * included) is served. It writes no cookie (so a prefetch in flight during sign-out cannot bring the session
 * back). Every page, server action and route handler still checks the person, and that they are not disabled,
 * against the database itself.
 */
export async function proxy(req: NextRequest) {
  if (await hasValidSession(req)) return NextResponse.next();
  const url = new URL("/signin", req.nextUrl.origin);
  const back = req.nextUrl.pathname + req.nextUrl.search;
  if (back !== "/") url.searchParams.set("callbackUrl", back);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything but sign-in, Auth.js itself, the health and webhook APIs, and static files.
  matcher: ["/((?!signin|api/|_next/|favicon|.*\\.(?:svg|png|ico|txt|css|js)$).*)"],
};
