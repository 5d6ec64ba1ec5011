import { decode, encode, type JWT } from "next-auth/jwt";
import { checkLifetime, type LifetimeCheck, type SessionLifetime } from "./lifetime";

/** Auth.js's session cookie names (the __Secure- one over HTTPS); each is also the salt of its token's key. */
export const SESSION_COOKIES = ["__Secure-authjs.session-token", "authjs.session-token"] as const;

type Cookie = { name: string; value: string };
/** Read access to a request's cookies (NextRequest's `cookies`, or anything shaped like it). */
export type CookieSource = { get(name: string): Cookie | undefined; getAll(): Cookie[] };

export type SessionToken = { cookie: string; chunks: string[]; claims: JWT };

/** The cookie's value, put back together when Auth.js split a large token into `name.0`, `name.1`, … */
function cookieValue(cookies: CookieSource, name: string): { value: string; chunks: string[] } | undefined {
  const whole = cookies.get(name)?.value;
  if (whole) return { value: whole, chunks: [] };
  const chunks = cookies
    .getAll()
    .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
  return chunks.length ? { value: chunks.map((c) => c.value).join(""), chunks: chunks.map((c) => c.name) } : undefined;
}

/**
 * The session token this portal issued, if the request carries one that decrypts under the secret, names a person
 * and has not passed its JWT expiry. A forged, foreign or tampered cookie gives null. Costs one key derivation and
 * one AES-GCM decryption, well under a millisecond (docs/benchmarks.md, "Proxy token check").
 */
export async function readSessionToken(cookies: CookieSource, secret: string | undefined, nowSeconds: number): Promise<SessionToken | null> {
  if (!secret) return null;
  for (const name of SESSION_COOKIES) {
    const found = cookieValue(cookies, name);
    if (!found) continue;
    try {
      const claims = await decode({ token: found.value, secret, salt: name });
      if (claims?.sub && (typeof claims.exp !== "number" || claims.exp > nowSeconds)) return { cookie: name, chunks: found.chunks, claims };
    } catch {
      // not ours, tampered with, or made under an old secret: treated as no session
    }
  }
  return null;
}

/** The lifetime rules applied to a token's `authTime` and `lastSeen` claims. */
export function tokenLifetime(token: SessionToken, nowSeconds: number, lifetime: SessionLifetime): LifetimeCheck {
  const { authTime, lastSeen } = token.claims;
  return checkLifetime({ authTime: typeof authTime === "number" ? authTime : undefined, lastSeen: typeof lastSeen === "number" ? lastSeen : undefined }, nowSeconds, lifetime);
}

export type SetCookie = { name: string; value: string; httpOnly: true; sameSite: "lax"; path: "/"; secure: boolean; expires: Date };

/**
 * The same session with the person's activity recorded now (`lastSeen`), to be set as the response's cookie, so
 * the idle time counts from this request. Null when no refresh is due yet. The cookie and the token expire when
 * the session would end if nothing more happened. A token Auth.js had split into chunks is written whole; the
 * chunk cookies are listed to be cleared.
 */
export async function refreshedSessionCookie(
  token: SessionToken,
  secret: string,
  nowSeconds: number,
  lifetime: SessionLifetime,
): Promise<{ set: SetCookie; clear: string[] } | null> {
  const check = tokenLifetime(token, nowSeconds, lifetime);
  if (!check.ok || !check.refreshDue) return null;
  const claims = { ...token.claims };
  // encode() sets these afresh.
  delete claims.iat;
  delete claims.exp;
  delete claims.jti;
  const expiresAt = Math.min((claims.authTime as number) + lifetime.maxSeconds, nowSeconds + lifetime.idleSeconds);
  const value = await encode({ token: { ...claims, lastSeen: nowSeconds }, secret, salt: token.cookie, maxAge: expiresAt - nowSeconds });
  return {
    set: { name: token.cookie, value, httpOnly: true, sameSite: "lax", path: "/", secure: token.cookie.startsWith("__Secure-"), expires: new Date(expiresAt * 1000) },
    clear: token.chunks,
  };
}
