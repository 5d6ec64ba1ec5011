import { decode, encode, type JWT } from "next-auth/jwt";
import { checkLifetime, type LifetimeCheck, type SessionLifetime } from "./lifetime";
import type { SessionClaims } from "./session-state";

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
 * Tokens already decrypted, by secret, cookie name and value: a browser sends the same token with every request until
 * it is re-issued (once a minute at most), and each decryption costs a key derivation and a key import, ~1 ms of CPU
 * (docs/benchmarks.md, "Prerendered pages behind the proxy"). Only tokens that decrypted are kept, so a flood of forged
 * cookies costs its decryptions and cannot fill the map; the oldest entry goes first past the limit.
 */
const DECODED_LIMIT = 2_000;
const decoded = new Map<string, JWT>();

async function decodeOnce(value: string, secret: string, name: string): Promise<JWT | null> {
  const key = `${secret}\u0000${name}\u0000${value}`;
  const known = decoded.get(key);
  if (known) return known;
  const claims = await decode({ token: value, secret, salt: name });
  if (!claims) return null;
  if (decoded.size >= DECODED_LIMIT) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, claims);
  return claims;
}

/**
 * The session token this portal issued, if the request carries one that decrypts under the secret, names a person
 * and has not passed its JWT expiry. A forged, foreign or tampered cookie gives null. The first sight of a token costs
 * one key derivation and one decryption; the same token again, a map lookup (decodeOnce).
 */
export async function readSessionToken(cookies: CookieSource, secret: string | undefined, nowSeconds: number): Promise<SessionToken | null> {
  if (!secret) return null;
  for (const name of SESSION_COOKIES) {
    const found = cookieValue(cookies, name);
    if (!found) continue;
    try {
      const claims = await decodeOnce(found.value, secret, name);
      if (claims?.sub && (typeof claims.exp !== "number" || claims.exp > nowSeconds)) return { cookie: name, chunks: found.chunks, claims: { ...claims } };
    } catch {
      // not ours, tampered with, or made under an old secret: treated as no session
    }
  }
  return null;
}

const numberOrUndefined = (v: unknown) => (typeof v === "number" ? v : undefined);

/** What the token says about its session, as judgeSession reads it: whose it is, its session version, its times. */
export function sessionClaims(token: SessionToken): SessionClaims {
  const { sub, sv, authTime, lastSeen } = token.claims;
  return { personId: sub ?? undefined, sessionVersion: numberOrUndefined(sv), authTime: numberOrUndefined(authTime), lastSeen: numberOrUndefined(lastSeen) };
}

/** The lifetime rules applied to a token's `authTime` and `lastSeen` claims. */
export function tokenLifetime(token: SessionToken, nowSeconds: number, lifetime: SessionLifetime): LifetimeCheck {
  return checkLifetime(sessionClaims(token), nowSeconds, lifetime);
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
