import { judgeSession, type SessionClaims, type SessionPerson, type SessionState } from "./session-state";
import type { SessionLifetime } from "./lifetime";

/** How long a person's row, as read for a prerendered page, is trusted before it is read again. */
export const PERSON_CHECK_TTL_MS = 1_000;
const LIMIT = 5_000;

type Read = (personId: string) => Promise<SessionPerson | null>;

/**
 * The database half of the session check, for prerendered pages (proxy.ts): they are served as built, without a
 * render that could call currentSession, so the proxy judges the session itself — disabled, unknown person, or a
 * session version from before a sign-out or role change. Each person's row is read at most once per
 * PERSON_CHECK_TTL_MS per process, so a page under load costs one query a second, not one per request; a session
 * ended elsewhere is refused here within that second. Pages rendered per request and every API check the database
 * on each request as before.
 */
export function personCheck(read: Read, ttlMs = PERSON_CHECK_TTL_MS) {
  const rows = new Map<string, { at: number; person: Promise<SessionPerson | null> }>();
  return async function judge(claims: SessionClaims, nowMs: number, lifetime: SessionLifetime): Promise<SessionState> {
    const id = claims.personId;
    if (!id) return { actor: null, reason: "signed-out" };
    let row = rows.get(id);
    if (!row || nowMs - row.at >= ttlMs) {
      if (rows.size >= LIMIT) rows.delete(rows.keys().next().value!);
      row = { at: nowMs, person: read(id) };
      rows.delete(id);
      rows.set(id, row);
      // A failed read is not remembered: the next request reads again.
      row.person.catch(() => rows.get(id) === row && rows.delete(id));
    }
    return judgeSession(claims, await row.person, Math.floor(nowMs / 1000), lifetime);
  };
}
