import { PROVIDER_LABELS, type Problem } from "./contract";

/**
 * Why a control-plane call failed:
 * - `unreachable`: nothing answered (connection refused, unknown host) — the request never arrived;
 * - `connection-lost`: the connection dropped before an answer — the request may or may not have taken effect;
 * - `timeout`: no answer in time — likewise;
 * - `rate-limited` (429), `unavailable` (5xx), `in-flight` (409: the same key is still being processed);
 * - `refused` (other 4xx: invalid, key reused for a different request, not possible now), `not-found` (404);
 * - `invalid-response`: a 2xx answer that does not match the contract (its body, or a media type the client did not
 *   ask for): for an action, the control plane may or may not have acted;
 * - `key-mismatch`: an action's answer echoed another idempotency key than the one sent: it may answer for another
 *   request, so this one may or may not have run.
 */
export type ControlPlaneErrorKind =
  | "unreachable"
  | "connection-lost"
  | "timeout"
  | "rate-limited"
  | "unavailable"
  | "in-flight"
  | "refused"
  | "not-found"
  | "invalid-response"
  | "key-mismatch";

const RETRYABLE_KINDS: ReadonlySet<ControlPlaneErrorKind> = new Set(["unreachable", "connection-lost", "timeout", "rate-limited", "unavailable", "in-flight"]);

/**
 * `text` without URLs and without the host of `url`. Error messages reach pages, JSON answers, command records and
 * the audit log, and must not tell their readers where the control plane lives (an internal address); the client
 * logs the full detail for operators.
 */
export function withoutAddresses(text: string, url?: string): string {
  let out = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s"'<>()]*[^\s"'<>().,;:!?])?/gi, "[address]");
  if (!url) return out;
  try {
    const { host, hostname } = new URL(url);
    for (const h of [host, hostname]) {
      // Whole names only: a host called "cp" must not turn "cpu" into "[address]u".
      if (h) out = out.replace(new RegExp(`(?<![\\w.-])${h.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "g"), "[address]");
    }
  } catch {
    // Not a URL: nothing more to hide.
  }
  return out;
}

/** A failed control-plane call, with a message a person can act on and whether retrying can help. */
export class ControlPlaneError extends Error {
  readonly kind: ControlPlaneErrorKind;
  /** True when the same request (same idempotency key) may succeed later. */
  readonly retryable: boolean;
  readonly status?: number;
  /** From Retry-After (or the problem's retryAfterSeconds). */
  readonly retryAfterMs?: number;
  readonly problem?: Problem;
  /** The URL called: for logs, never for messages. */
  readonly url: string;
  /** For `key-mismatch`: the key the answer carried (the one sent is the caller's). */
  readonly echoedKey?: string;

  constructor(init: { kind: ControlPlaneErrorKind; message: string; url: string; status?: number; retryAfterMs?: number; problem?: Problem; echoedKey?: string; cause?: unknown }) {
    super(withoutAddresses(init.message, init.url), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ControlPlaneError";
    this.kind = init.kind;
    this.retryable = RETRYABLE_KINDS.has(init.kind);
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.problem = init.problem;
    this.url = init.url;
    this.echoedKey = init.echoedKey;
  }
}

/** 408, 409 (duplicate in flight), 425, 429 and 5xx other than 501/505 can succeed on retry; other 4xx cannot. */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 409 || status === 425 || status === 429) return true;
  return status >= 500 && status !== 501 && status !== 505;
}

export function kindForStatus(status: number): ControlPlaneErrorKind {
  if (status === 429) return "rate-limited";
  if (status === 409) return "in-flight";
  if (status === 404) return "not-found";
  if (isRetryableStatus(status)) return "unavailable";
  return "refused";
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The one-line message shown to people for an HTTP error answer. */
export function messageForStatus(status: number, problem: Problem | undefined, ctx: { retryAfterMs?: number }): string {
  const detail = problem?.detail ?? problem?.title;
  const fields = problem?.errors?.length ? ` (${problem.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ")})` : "";
  switch (kindForStatus(status)) {
    case "rate-limited": {
      const who = problem?.provider ? `${PROVIDER_LABELS[problem.provider]} rate limit` : "Control plane rate limit";
      return ctx.retryAfterMs !== undefined ? `${who}: retry in ${seconds(ctx.retryAfterMs)} s` : `${who}: retry later`;
    }
    case "in-flight":
      return "The control plane is still processing the same request; it will be retried with the same idempotency key.";
    case "unavailable":
      return `Control plane error ${status}${detail ? `: ${detail}` : ""}`;
    case "not-found":
    case "refused":
      return `Control plane refused the request: ${problem?.errors?.length ? (problem.title ?? "invalid request") : (detail ?? `HTTP ${status}`)}${fields}`;
    default:
      return `Control plane answered HTTP ${status}`;
  }
}

/** Maps a fetch failure (no HTTP answer) to a ControlPlaneError. */
export function networkError(e: unknown, ctx: { url: string; timeoutMs: number }): ControlPlaneError {
  const name = e instanceof Error ? e.name : "";
  if (name === "TimeoutError") {
    return new ControlPlaneError({ kind: "timeout", url: ctx.url, cause: e, message: `Control plane did not answer within ${Math.round(ctx.timeoutMs / 100) / 10} s` });
  }
  const code = errorCode(e);
  if (code && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"].includes(code)) {
    const why = code === "ECONNREFUSED" ? "connection refused" : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "host not found" : code;
    return new ControlPlaneError({ kind: "unreachable", url: ctx.url, cause: e, message: `Control plane unreachable (${why})` });
  }
  const why = code ?? (e instanceof Error ? e.message : String(e));
  return new ControlPlaneError({ kind: "connection-lost", url: ctx.url, cause: e, message: `Control plane closed the connection before answering (${why})` });
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length) {
      const inner = errorCode(errors[0]);
      if (inner) return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Exponential backoff with jitter: attempt 1 waits about `baseMs`, each further attempt twice as long, capped at
 * `maxMs`; the wait is drawn from the upper half of that range so that many clients do not retry in step.
 */
export function backoffDelayMs(attempt: number, opts: { baseMs: number; maxMs: number; random?: () => number }): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const r = (opts.random ?? Math.random)();
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
