import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { readSessionToken, refreshedSessionCookie, tokenLifetime, type CookieSource } from "./session-token";

const secret = "a-test-secret-of-enough-length-0123456789";
const name = "authjs.session-token";
const lifetime = { idleSeconds: 30 * 60, maxSeconds: 12 * 3600 };
const t0 = Math.floor(Date.now() / 1000);

const jar = (cookies: Record<string, string>): CookieSource => ({
  get: (n) => (n in cookies ? { name: n, value: cookies[n] } : undefined),
  getAll: () => Object.entries(cookies).map(([n, value]) => ({ name: n, value })),
});
const issue = (claims: Record<string, unknown>, s = secret) => encode({ token: { sub: "p1", sv: 2, authTime: t0, lastSeen: t0, ...claims }, secret: s, salt: name, maxAge: 12 * 3600 });

describe("the session cookie", () => {
  it("is read when this portal issued it, and not when another secret made it", async () => {
    expect((await readSessionToken(jar({ [name]: await issue({}) }), secret, t0))?.claims).toMatchObject({ sub: "p1", sv: 2 });
    expect(await readSessionToken(jar({ [name]: await issue({}, "another-secret-of-enough-length-000000") }), secret, t0)).toBeNull();
    expect(await readSessionToken(jar({ [name]: "garbage" }), secret, t0)).toBeNull();
    expect(await readSessionToken(jar({}), secret, t0)).toBeNull();
  });

  it("is refused past its expiry even when it was read before (decrypted tokens are kept), and a copy is handed out", async () => {
    const value = await issue({});
    const first = (await readSessionToken(jar({ [name]: value }), secret, t0))!;
    first.claims.sub = "someone-else";
    expect((await readSessionToken(jar({ [name]: value }), secret, t0))?.claims.sub).toBe("p1");
    expect(await readSessionToken(jar({ [name]: value }), secret, t0 + 12 * 3600 + 1)).toBeNull();
    expect(await readSessionToken(jar({ [name]: value }), "another-secret-of-enough-length-000000", t0)).toBeNull();
  });

  it("is put back together from Auth.js's chunks", async () => {
    const whole = await issue({});
    const token = await readSessionToken(jar({ [`${name}.1`]: whole.slice(100), [`${name}.0`]: whole.slice(0, 100) }), secret, t0);
    expect(token).toMatchObject({ cookie: name, chunks: [`${name}.0`, `${name}.1`] });
  });

  it("is not re-issued while the last activity is recent", async () => {
    const token = (await readSessionToken(jar({ [name]: await issue({}) }), secret, t0))!;
    expect(await refreshedSessionCookie(token, secret, t0 + 59, lifetime)).toBeNull();
  });

  it("is re-issued with the activity's time, the same person and version, and the session's end as expiry", async () => {
    const signedIn = t0 - 3600;
    const token = (await readSessionToken(jar({ [name]: await issue({ authTime: signedIn, lastSeen: t0 - 600 }) }), secret, t0))!;
    const refreshed = (await refreshedSessionCookie(token, secret, t0, lifetime))!;
    expect(refreshed.set).toMatchObject({ name, httpOnly: true, sameSite: "lax", path: "/", secure: false, expires: new Date((t0 + 30 * 60) * 1000) });
    const claims = (await decode({ token: refreshed.set.value, secret, salt: name }))!;
    expect(claims).toMatchObject({ sub: "p1", sv: 2, authTime: signedIn, lastSeen: t0 });
    expect(Math.abs(claims.exp! - (t0 + 30 * 60))).toBeLessThanOrEqual(2);
    expect(tokenLifetime({ ...token, claims }, t0 + 29 * 60, lifetime)).toMatchObject({ ok: true });
  });

  it("is never re-issued beyond the absolute limit, and not at all once the session ended", async () => {
    const old = (await readSessionToken(jar({ [name]: await issue({ lastSeen: t0 + 12 * 3600 - 900 }) }), secret, t0))!;
    const refreshed = (await refreshedSessionCookie(old, secret, t0 + 12 * 3600 - 600, lifetime))!;
    expect(refreshed.set.expires).toEqual(new Date((t0 + 12 * 3600) * 1000));
    expect(await refreshedSessionCookie(old, secret, t0 + 12 * 3600, lifetime)).toBeNull();
  });

  it("keeps the Secure flag of the __Secure- cookie", async () => {
    const secure = "__Secure-authjs.session-token";
    const value = await encode({ token: { sub: "p1", sv: 0, authTime: t0, lastSeen: t0 }, secret, salt: secure, maxAge: 3600 });
    const token = (await readSessionToken(jar({ [secure]: value }), secret, t0))!;
    expect((await refreshedSessionCookie(token, secret, t0 + 120, lifetime))!.set).toMatchObject({ name: secure, secure: true });
  });
});
