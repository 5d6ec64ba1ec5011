/**
 * Who may read /metrics. With PORTAL_METRICS_TOKEN set, only a request carrying it as a bearer token (compared in
 * constant time). Without it, the endpoint is open only on the embedded default (`npm start` on a laptop, loopback
 * database), and answers 404 everywhere else: a production portal never serves its metrics to anyone who asks
 * because a variable was forgotten. The start-up check logs a warning in that case (lib/config-check.ts).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { onEmbeddedDatabase } from "../auth/dev-sign-in";
import type { Env } from "../env";

export type MetricsAccess = { mode: "token"; token: string } | { mode: "open" } | { mode: "disabled" };

export function metricsAccess(e: Partial<Pick<Env, "PORTAL_METRICS_TOKEN" | "DATABASE_URL" | "PORTAL_EMBEDDED_DATABASE">>): MetricsAccess {
  if (e.PORTAL_METRICS_TOKEN) return { mode: "token", token: e.PORTAL_METRICS_TOKEN };
  return onEmbeddedDatabase(e) ? { mode: "open" } : { mode: "disabled" };
}

/** Equal strings, in time that depends only on their digests (so neither the token's content nor its length leaks). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export type ScrapeDecision = { ok: true } | { ok: false; status: 401 | 404; reason: "missing token" | "wrong token" | "metrics disabled"; message: string };

/** Whether a request with this Authorization header may read the metrics. */
export function authorizeScrape(authorization: string | null, access: MetricsAccess): ScrapeDecision {
  if (access.mode === "open") return { ok: true };
  if (access.mode === "disabled") {
    return {
      ok: false,
      status: 404,
      reason: "metrics disabled",
      message: "Metrics are off on this server: set PORTAL_METRICS_TOKEN (at least 16 characters) and send it as a bearer token (docs/operations.md).",
    };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) return { ok: false, status: 401, reason: "missing token", message: "Send the metrics token: Authorization: Bearer <PORTAL_METRICS_TOKEN>." };
  if (!sameSecret(match[1], access.token)) return { ok: false, status: 401, reason: "wrong token", message: "The metrics token is not the one this server was given." };
  return { ok: true };
}
