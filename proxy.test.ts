import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { config, contentSecurityPolicy, proxy } from "./proxy";
import { scriptHash } from "./lib/http/static-pages";
import { THEME_SCRIPT } from "./lib/http/theme-script";

const secret = "a-proxy-test-secret-0123456789abcdef";
const cookie = "authjs.session-token";
const now = () => Math.floor(Date.now() / 1000);

beforeAll(() => {
  process.env.AUTH_SECRET = secret;
  // No build here, whatever `.next` the working tree holds: every page is one rendered per request (the
  // prerendered pages' person check needs the database, and is covered by the browser tests).
  vi.spyOn(process, "cwd").mockReturnValue(mkdtempSync(join(tmpdir(), "proxy-test-")));
});
afterAll(() => {
  delete process.env.AUTH_SECRET;
  vi.restoreAllMocks();
});

async function pageRequest(path: string, claims?: Record<string, unknown>) {
  const headers = new Headers({ host: "127.0.0.1:3000" });
  if (claims) headers.set("cookie", `${cookie}=${await encode({ token: { sub: "p1", sv: 0, ...claims }, secret, salt: cookie, maxAge: 12 * 3600 })}`);
  return new NextRequest(`http://127.0.0.1:3000${path}`, { headers });
}

describe("the proxy's session check for pages (default lifetimes: 480 minutes idle, 12 hours in all)", () => {
  it("serves a page to a recent session without re-issuing its cookie", async () => {
    const res = await proxy(await pageRequest("/incidents", { authTime: now() - 60, lastSeen: now() - 10 }));
    expect(res.headers.get("location")).toBeNull();
    expect(res.cookies.get(cookie)).toBeUndefined();
  });

  it("records the activity of a session last seen over a minute ago in a re-issued cookie", async () => {
    const res = await proxy(await pageRequest("/incidents", { authTime: now() - 3600, lastSeen: now() - 600 }));
    expect(res.headers.get("location")).toBeNull();
    expect(res.cookies.get(cookie)).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
  });

  it("sends an idle session to /signin/ended, which clears it and says why", async () => {
    const res = await proxy(await pageRequest("/incidents", { authTime: now() - 9 * 3600, lastSeen: now() - 8 * 3600 - 5 }));
    expect(res.headers.get("location")).toBe("http://127.0.0.1:3000/signin/ended?reason=idle");
  });

  it("sends a session past its absolute limit there too, however recent its activity", async () => {
    const res = await proxy(await pageRequest("/", { authTime: now() - 12 * 3600 - 5, lastSeen: now() - 30 }));
    expect(res.headers.get("location")).toBe("http://127.0.0.1:3000/signin/ended?reason=expired");
  });

  it("sends a request without a session to sign-in, keeping where it was going", async () => {
    const res = await proxy(await pageRequest("/audit"));
    expect(res.headers.get("location")).toBe("http://127.0.0.1:3000/signin?callbackUrl=%2Faudit");
  });
});

describe("what the proxy runs for", () => {
  const runsFor = (url: string) => unstable_doesMiddlewareMatch({ config, url });

  it("lets /metrics through to its own bearer-token check (no sign-in redirect, no page CSP), and nothing else", () => {
    expect(runsFor("/metrics")).toBe(false);
    expect(runsFor("/metrics-and-more")).toBe(true);
    expect(runsFor("/metrics/x")).toBe(true);
    expect(runsFor("/runbooks")).toBe(true);
    expect(runsFor("/api/runs")).toBe(false);
  });
});

describe("the pages' Content-Security-Policy", () => {
  const scriptSrc = (csp: string) => csp.split("; ").find((d) => d.startsWith("script-src "))!;

  it("on a page rendered per request: the response's nonce, the theme script's hash, and what those load", () => {
    expect(scriptSrc(contentSecurityPolicy({ nonce: "abc123" }, false))).toBe(`script-src 'self' 'nonce-abc123' ${scriptHash(THEME_SCRIPT)} 'strict-dynamic'`);
  });

  it("on a prerendered page: exactly its scripts' hashes and the theme script's, and never 'unsafe-inline'", () => {
    const csp = contentSecurityPolicy({ hashes: [scriptHash("a()"), scriptHash(THEME_SCRIPT)] }, false);
    expect(scriptSrc(csp)).toBe(`script-src 'self' ${scriptHash(THEME_SCRIPT)} ${scriptHash("a()")}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
  });
});
