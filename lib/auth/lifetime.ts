import type { Env } from "../env";

/** How long a session may last: without activity, and in all since sign-in. In seconds. */
export type SessionLifetime = { idleSeconds: number; maxSeconds: number };

/** The times a session token carries, in seconds since the epoch (JWT convention). */
export type SessionTimes = { authTime?: number; lastSeen?: number };

export type LifetimeCheck = { ok: true; refreshDue: boolean; expiresAt: number } | { ok: false; reason: "expired" | "idle" };

export function sessionLifetime(e: Pick<Env, "AUTH_SESSION_IDLE_MINUTES" | "AUTH_SESSION_MAX_HOURS">): SessionLifetime {
  return { idleSeconds: e.AUTH_SESSION_IDLE_MINUTES * 60, maxSeconds: e.AUTH_SESSION_MAX_HOURS * 3600 };
}

/**
 * How stale the recorded last activity may get before a request re-issues the token with a fresh one: a minute,
 * or a quarter of the idle time when that is shorter, so idle time is measured to within that.
 */
export function refreshIntervalSeconds(lifetime: SessionLifetime): number {
  return Math.max(1, Math.min(60, Math.floor(lifetime.idleSeconds / 4)));
}

/**
 * The lifetime rules: a session ends `maxSeconds` after sign-in however active the person is ("expired"), and
 * `idleSeconds` after the last recorded activity ("idle"). A token without a sign-in time predates these rules
 * and counts as expired. `expiresAt` is when the session ends if nothing more happens (the cookie's expiry).
 */
export function checkLifetime(times: SessionTimes, now: number, lifetime: SessionLifetime): LifetimeCheck {
  const { authTime } = times;
  if (typeof authTime !== "number") return { ok: false, reason: "expired" };
  const lastSeen = typeof times.lastSeen === "number" ? Math.max(times.lastSeen, authTime) : authTime;
  const absoluteEnd = authTime + lifetime.maxSeconds;
  const idleEnd = lastSeen + lifetime.idleSeconds;
  if (now >= absoluteEnd) return { ok: false, reason: "expired" };
  if (now >= idleEnd) return { ok: false, reason: "idle" };
  return { ok: true, refreshDue: now - lastSeen >= refreshIntervalSeconds(lifetime), expiresAt: Math.min(absoluteEnd, idleEnd) };
}
