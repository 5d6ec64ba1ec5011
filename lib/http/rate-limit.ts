/**
 * Fixed-window rate limits whose counters live in PostgreSQL (`rate_window`), so two or more replicas count
 * against the same window. One statement per hit: an upsert that starts a new window or counts in the current one.
 */
import type { SqlRunner } from "../sql";

export type RateLimit = { name: string; limit: number; windowSeconds: number };

/** The portal's limits, per person where there is one and per source otherwise. */
export const LIMITS = {
  /** Every JSON action (start a run, act on a step, …), per person. */
  action: { name: "action", limit: 120, windowSeconds: 60 },
  /** Seeded-person and OIDC sign-in attempts, per source. */
  signIn: { name: "sign-in", limit: 20, windowSeconds: 60 },
  /** Alertmanager webhook calls, per source (Alertmanager batches alerts; a storm is still a few calls a minute). */
  webhook: { name: "webhook", limit: 120, windowSeconds: 60 },
  /** Audit exports and bundles, per person. */
  export: { name: "export", limit: 10, windowSeconds: 60 },
  /** Starts of a whole-chain verification, per person (only one runs at a time in the whole portal anyway). */
  verify: { name: "verify", limit: 3, windowSeconds: 60 },
  /** Anonymous refusals written to the audit chain: one summary per source per minute. */
  anonymousRefusalSummary: { name: "anonymous-refusal", limit: 1, windowSeconds: 60 },
} as const satisfies Record<string, RateLimit>;

export type RateDecision = {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  /** Hits in the window before, when that window directly preceded this one (else 0). */
  previousCount: number;
  /** Seconds until the window ends (for Retry-After). */
  retryAfterSeconds: number;
};

const HIT = `
INSERT INTO rate_window AS w (key, "windowStart", count, "previousCount")
VALUES ($1, to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2::int) * $2::int), 1, 0)
ON CONFLICT (key) DO UPDATE SET
  "previousCount" = CASE
    WHEN w."windowStart" = EXCLUDED."windowStart" THEN w."previousCount"
    WHEN w."windowStart" = EXCLUDED."windowStart" - make_interval(secs => $2::int) THEN w.count
    ELSE 0 END,
  count = CASE WHEN w."windowStart" = EXCLUDED."windowStart" THEN w.count + 1 ELSE 1 END,
  "windowStart" = EXCLUDED."windowStart"
RETURNING count, "previousCount",
  ceil(extract(epoch FROM ("windowStart" + make_interval(secs => $2::int) - clock_timestamp())))::int AS "retryAfter"`;

/** Counts one hit of `subject` (a person id or a source) against `limit`. */
export async function hit(sql: SqlRunner, limit: RateLimit, subject: string): Promise<RateDecision> {
  const [row] = await sql<{ count: number; previousCount: number; retryAfter: number }>(HIT, [`${limit.name}:${subject}`, limit.windowSeconds]);
  return { allowed: row.count <= limit.limit, count: row.count, previousCount: row.previousCount, retryAfterSeconds: Math.max(1, row.retryAfter) };
}
