import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { checkLifetime, refreshIntervalSeconds, sessionLifetime } from "./lifetime";

const H = 3600;
const lifetime = { idleSeconds: 30 * 60, maxSeconds: 12 * H };
const t0 = 1_800_000_000; // a sign-in, in seconds since the epoch

describe("session lifetimes from the environment", () => {
  it("default to 480 minutes idle and 12 hours in all", () => {
    expect(sessionLifetime(parseEnv({}))).toEqual({ idleSeconds: 480 * 60, maxSeconds: 12 * H });
  });

  it("take AUTH_SESSION_IDLE_MINUTES and AUTH_SESSION_MAX_HOURS", () => {
    expect(sessionLifetime(parseEnv({ AUTH_SESSION_IDLE_MINUTES: "30", AUTH_SESSION_MAX_HOURS: "8" }))).toEqual({ idleSeconds: 30 * 60, maxSeconds: 8 * H });
  });

  it.each([
    ["AUTH_SESSION_IDLE_MINUTES", "0"],
    ["AUTH_SESSION_IDLE_MINUTES", "-5"],
    ["AUTH_SESSION_IDLE_MINUTES", "ten"],
    ["AUTH_SESSION_MAX_HOURS", "1.5"],
    ["AUTH_SESSION_MAX_HOURS", "0"],
  ])("refuse %s=%s, naming the variable", (name, value) => {
    expect(() => parseEnv({ [name]: value })).toThrow(name);
  });
});

describe("a session's lifetime", () => {
  it("holds while the person is active and within the absolute limit", () => {
    expect(checkLifetime({ authTime: t0, lastSeen: t0 }, t0 + 10, lifetime)).toEqual({ ok: true, refreshDue: false, expiresAt: t0 + 30 * 60 });
  });

  it("ends after the idle time without activity (from the last activity, not the sign-in)", () => {
    const lastSeen = t0 + 2 * H;
    expect(checkLifetime({ authTime: t0, lastSeen }, lastSeen + 30 * 60 - 1, lifetime)).toMatchObject({ ok: true });
    expect(checkLifetime({ authTime: t0, lastSeen }, lastSeen + 30 * 60, lifetime)).toEqual({ ok: false, reason: "idle" });
  });

  it("ends at the absolute limit however active the person is", () => {
    expect(checkLifetime({ authTime: t0, lastSeen: t0 + 12 * H - 5 }, t0 + 12 * H - 1, lifetime)).toMatchObject({ ok: true });
    expect(checkLifetime({ authTime: t0, lastSeen: t0 + 12 * H - 5 }, t0 + 12 * H, lifetime)).toEqual({ ok: false, reason: "expired" });
  });

  it("calls a session that is both idle and too old expired", () => {
    expect(checkLifetime({ authTime: t0, lastSeen: t0 }, t0 + 13 * H, lifetime)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token without a sign-in time (issued before lifetimes were enforced)", () => {
    expect(checkLifetime({}, t0, lifetime)).toEqual({ ok: false, reason: "expired" });
    expect(checkLifetime({ lastSeen: t0 }, t0, lifetime)).toEqual({ ok: false, reason: "expired" });
  });

  it("counts idle time from the sign-in when no activity was recorded", () => {
    expect(checkLifetime({ authTime: t0 }, t0 + 30 * 60, lifetime)).toEqual({ ok: false, reason: "idle" });
  });

  it("asks for a refreshed token once the last activity is older than the refresh interval", () => {
    const every = refreshIntervalSeconds(lifetime);
    expect(every).toBe(60);
    expect(checkLifetime({ authTime: t0, lastSeen: t0 }, t0 + every - 1, lifetime)).toMatchObject({ ok: true, refreshDue: false });
    expect(checkLifetime({ authTime: t0, lastSeen: t0 }, t0 + every, lifetime)).toMatchObject({ ok: true, refreshDue: true });
  });

  it("refreshes more often than the idle time, however short it is", () => {
    expect(refreshIntervalSeconds({ idleSeconds: 60, maxSeconds: H })).toBe(15);
  });

  it("expires the cookie at the earlier of the two limits", () => {
    expect(checkLifetime({ authTime: t0, lastSeen: t0 + 12 * H - 60 }, t0 + 12 * H - 30, lifetime)).toMatchObject({ ok: true, expiresAt: t0 + 12 * H });
  });
});
