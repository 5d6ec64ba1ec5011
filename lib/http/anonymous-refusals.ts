/**
 * What the internet tries is not what people did. A request refused because nobody is signed in (or a webhook
 * call with a wrong token) goes to the structured log and the counter portal_anonymous_refusals_total; the hash-chained audit log, which takes a
 * global lock per event, gets at most one summary event per source per minute, carrying how many were refused in
 * the minute before. Refusals of signed-in people stay individual audit events (lib/actions/safe-action.ts).
 */
import { appendAudit } from "../audit/log";
import { db, sqlTransaction } from "../db";
import { log } from "../log";
import { countAnonymousRefusal } from "../metrics/record";
import { hit, LIMITS } from "./rate-limit";


/**
 * Where a request came from. `X-Forwarded-For` is written by whoever sends the request, and `next start` keeps a
 * client's own value, so it is trusted only as far as PORTAL_TRUSTED_PROXY_HOPS proxies of ours append to it.
 * With none (the default), every anonymous caller counts as one source, "direct": a caller cannot buy a fresh
 * summary event, or a fresh rate-limit window, by inventing addresses.
 */
export function sourceOf(headers: Headers, hops = Number(process.env.PORTAL_TRUSTED_PROXY_HOPS ?? 0)): string {
  if (!Number.isInteger(hops) || hops <= 0) return "direct";
  const chain = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return chain[chain.length - hops] ?? "direct";
}

/** The source of an HTTP request, and the address it claims (logged, never trusted). */
export function requestSource(headers: Headers): { source: string; claimedForwardedFor?: string } {
  return { source: sourceOf(headers), claimedForwardedFor: headers.get("x-forwarded-for") ?? undefined };
}

/**
 * `source` is where the request came from (requestSource), or for an action called without a session,
 * "no-session". `endpoint` names the route or the action.
 */
export async function recordAnonymousRefusal(input: { source: string; claimedForwardedFor?: string; endpoint: string; reason: string }): Promise<void> {
  const { source } = input;
  countAnonymousRefusal(input.endpoint, input.reason);
  log.warn("http.refused_anonymous", { endpoint: input.endpoint, reason: input.reason, source, claimedForwardedFor: input.claimedForwardedFor });
  try {
    await sqlTransaction(async (sql) => {
      const window = await hit(sql, LIMITS.anonymousRefusalSummary, source);
      if (!window.allowed) return;
      await appendAudit(sql, {
        actor: null,
        action: "http.anonymous_refused",
        outcome: "refused",
        details: { source, endpoint: input.endpoint, reason: input.reason, refusedInPreviousMinute: window.previousCount, note: "first anonymous refusal from this source this minute; later ones this minute are in the server log only" },
      });
    }, db());
  } catch (e) {
    log.error("audit.refusal.write_failed", { err: e });
  }
}
