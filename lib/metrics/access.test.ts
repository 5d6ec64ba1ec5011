import { describe, expect, it } from "vitest";
import { authorizeScrape, metricsAccess, sameSecret } from "./access";

const embedded = "postgresql://postgres:x@127.0.0.1:5432/portal";

describe("who may read /metrics", () => {
  it("with a token: only a bearer carrying exactly it", () => {
    const access = metricsAccess({ PORTAL_METRICS_TOKEN: "a-long-enough-token-123", DATABASE_URL: embedded, PORTAL_EMBEDDED_DATABASE: embedded });
    expect(access.mode).toBe("token");
    expect(authorizeScrape("Bearer a-long-enough-token-123", access)).toEqual({ ok: true });
    expect(authorizeScrape("bearer   a-long-enough-token-123 ", access)).toEqual({ ok: true });
    expect(authorizeScrape(null, access)).toMatchObject({ ok: false, status: 401, reason: "missing token" });
    expect(authorizeScrape("Basic YTpi", access)).toMatchObject({ ok: false, status: 401, reason: "missing token" });
    for (const wrong of ["Bearer a-long-enough-token-12", "Bearer a-long-enough-token-1234", "Bearer A-LONG-ENOUGH-TOKEN-123", "Bearer x"]) {
      expect(authorizeScrape(wrong, access), wrong).toMatchObject({ ok: false, status: 401, reason: "wrong token" });
    }
  });

  it("without a token: open on the embedded loopback database only, 404 (off) anywhere else", () => {
    expect(metricsAccess({ DATABASE_URL: embedded, PORTAL_EMBEDDED_DATABASE: embedded })).toEqual({ mode: "open" });
    expect(authorizeScrape(null, { mode: "open" })).toEqual({ ok: true });
    for (const e of [
      { DATABASE_URL: "postgresql://portal:x@db.internal:5432/portal", PORTAL_EMBEDDED_DATABASE: "postgresql://portal:x@db.internal:5432/portal" },
      { DATABASE_URL: embedded },
      { DATABASE_URL: embedded, PORTAL_EMBEDDED_DATABASE: "postgresql://postgres:x@127.0.0.1:5432/other" },
    ]) {
      const access = metricsAccess(e);
      expect(access).toEqual({ mode: "disabled" });
      expect(authorizeScrape("Bearer anything-at-all-here", access)).toMatchObject({ ok: false, status: 404, reason: "metrics disabled" });
    }
  });

  it("compares secrets by digest: equal, unequal, different lengths, empty", () => {
    expect(sameSecret("abc", "abc")).toBe(true);
    expect(sameSecret("abc", "abd")).toBe(false);
    expect(sameSecret("abc", "abcd")).toBe(false);
    expect(sameSecret("", "abc")).toBe(false);
  });
});
