/**
 * The typed control-plane client. Every response is validated against the contract; every call has a timeout;
 * calls that are safe to repeat (reads, and actions, which carry an idempotency key) are retried a bounded number of
 * times with exponential backoff and jitter, honouring Retry-After. Failures surface as ControlPlaneError with a
 * message a person can act on and a `retryable` flag.
 *
 * It asks for `application/json` (answers) and `application/problem+json` (errors), as the contract gives them: a
 * server that honours Accept could otherwise not send an error at all. A 2xx is accepted only as application/json
 * with a body that matches the contract, and an action's answer only when it echoes the idempotency key sent.
 */
import type { z } from "zod";
import type { ControlPlaneAction } from "./actions";
import {
  API_PATHS,
  IDEMPOTENCY_HEADER,
  PROBLEM_CONTENT_TYPE,
  actionResponseSchemas,
  aggregatesSchema,
  capacitySchema,
  flowListSchema,
  flowSchema,
  healthSchema,
  parseActionParams,
  problemSchema,
  providerHealthSchema,
  settingsSchema,
  telemetrySnapshotSchema,
  type ActionParamsInput,
  type ActionResponse,
  type Aggregates,
  type Capacity,
  type Flow,
  type FlowList,
  type FlowQuery,
  type Health,
  type ProviderHealth,
  type Settings,
  type TelemetrySnapshot,
  type TelemetryWindow,
} from "./contract";
import { ControlPlaneError, backoffDelayMs, kindForStatus, messageForStatus, networkError, parseRetryAfter } from "./errors";
import { log } from "../log";

export type ControlPlaneClientOptions = {
  /** e.g. http://127.0.0.1:4010 (no trailing path). */
  baseUrl: string;
  /** Per attempt (default 5000 ms). */
  timeoutMs?: number;
  /** Attempts per call, first included (default 3). 1 disables retries. */
  maxAttempts?: number;
  /** Backoff between attempts (default 200 ms doubling, at most 5 s). */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A Retry-After longer than this is not waited for inside a call: the error is thrown (default 10 s). */
  maxRetryAfterMs?: number;
  /** Sent as `Authorization: Bearer …` when set (a real control plane will want one). Never logged. */
  token?: string;
  fetch?: typeof fetch;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

export type CallOptions = {
  timeoutMs?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
};

export type ActOptions = CallOptions & { idempotencyKey: string };

export interface ControlPlaneClient {
  readonly baseUrl: string;
  health(opts?: CallOptions): Promise<Health>;
  /** Everything at once (what the live panels read). */
  telemetry(query?: { flowLimit?: number; window?: TelemetryWindow }, opts?: CallOptions): Promise<TelemetrySnapshot>;
  flows(query?: FlowQuery, opts?: CallOptions): Promise<FlowList>;
  flow(flowId: string, opts?: CallOptions): Promise<Flow>;
  aggregates(query?: { window?: TelemetryWindow }, opts?: CallOptions): Promise<Aggregates>;
  providers(opts?: CallOptions): Promise<ProviderHealth>;
  capacity(opts?: CallOptions): Promise<Capacity>;
  settings(opts?: CallOptions): Promise<Settings>;
  /** Performs an action. Parameters are normalised first (ActionParamsError when invalid); the key makes retries safe. */
  act<A extends ControlPlaneAction>(action: A, params: ActionParamsInput<A>, opts: ActOptions): Promise<ActionResponse<A>>;
}

/** What every request accepts: the contract's answer type and its error type. */
export const ACCEPT = `application/json, ${PROBLEM_CONTENT_TYPE}`;

/** The media type of a Content-Type header, lower-cased, without parameters ("" when absent). */
export function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });

function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** Creates a client for one control plane. */
export function createControlPlaneClient(options: ControlPlaneClientOptions): ControlPlaneClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new Error(`Control plane URL must be an http(s) URL, got "${options.baseUrl}"`);
  }
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const defaults = {
    timeoutMs: options.timeoutMs ?? 5_000,
    maxAttempts: Math.max(1, options.maxAttempts ?? 3),
    baseMs: options.backoff?.baseMs ?? 200,
    maxMs: options.backoff?.maxMs ?? 5_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 10_000,
  };

  async function attempt<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, body: unknown, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
    const url = `${baseUrl}${path}`;
    // The error's message is for people and names no address; the log line is for operators and has it all.
    const fail = (e: ControlPlaneError, detail?: unknown) => {
      log.warn("control-plane.call.failed", { method, url, kind: e.kind, status: e.status, message: e.message, detail, err: e.cause });
      return e;
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method,
        headers: {
          accept: ACCEPT,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: combined,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw e;
      throw fail(networkError(timeout.aborted && !(e instanceof Error && e.name === "TimeoutError") ? Object.assign(new Error("timeout"), { name: "TimeoutError" }) : e, { url, timeoutMs }));
    }
    let json: unknown;
    try {
      json = text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const parsedProblem = problemSchema.safeParse(json);
      const problem = parsedProblem.success ? parsedProblem.data : undefined;
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after")) ?? (problem?.retryAfterSeconds !== undefined ? problem.retryAfterSeconds * 1000 : undefined);
      throw fail(
        new ControlPlaneError({
          kind: kindForStatus(res.status),
          status: res.status,
          problem,
          retryAfterMs,
          url,
          message: messageForStatus(res.status, problem ?? (text && !json ? { type: "", title: res.statusText, status: res.status, code: "", detail: text.slice(0, 200) } : undefined), { retryAfterMs }),
        }),
        problem ?? text.slice(0, 1_000),
      );
    }
    const type = mediaType(res.headers.get("content-type"));
    if (type !== "application/json") {
      throw fail(
        new ControlPlaneError({
          kind: "invalid-response",
          status: res.status,
          url,
          message: `Control plane answered ${method} ${path} with HTTP ${res.status} in ${type ? `"${type}"` : "no media type"}, not application/json: not taken as success`,
        }),
        text.slice(0, 1_000),
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw fail(
        new ControlPlaneError({
          kind: "invalid-response",
          status: res.status,
          url,
          message: `Control plane answered ${method} ${path} with an unexpected response (${issue.path.join(".") || "body"}: ${issue.message})`,
        }),
        parsed.error.issues,
      );
    }
    return parsed.data;
  }

  async function call<T>(method: "GET" | "POST", path: string, schema: z.ZodType<T>, opts: CallOptions = {}, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const maxAttempts = Math.max(1, opts.maxAttempts ?? defaults.maxAttempts);
    for (let n = 1; ; n++) {
      try {
        return await attempt(method, path, schema, body, headers, opts.timeoutMs ?? defaults.timeoutMs, opts.signal);
      } catch (e) {
        if (!(e instanceof ControlPlaneError) || !e.retryable || n >= maxAttempts) throw e;
        if (e.retryAfterMs !== undefined && e.retryAfterMs > defaults.maxRetryAfterMs) throw e;
        const wait = Math.max(backoffDelayMs(n, { baseMs: defaults.baseMs, maxMs: defaults.maxMs, random: options.random }), e.retryAfterMs ?? 0);
        await sleep(wait, opts.signal);
      }
    }
  }

  return {
    baseUrl,
    health: (opts) => call("GET", API_PATHS.health, healthSchema, opts),
    telemetry: (query = {}, opts) => call("GET", `${API_PATHS.telemetry}${queryString(query)}`, telemetrySnapshotSchema, opts),
    flows: (query = {}, opts) => call("GET", `${API_PATHS.flows}${queryString(query)}`, flowListSchema, opts),
    flow: (flowId, opts) => call("GET", API_PATHS.flow(flowId), flowSchema, opts),
    aggregates: (query = {}, opts) => call("GET", `${API_PATHS.aggregates}${queryString(query)}`, aggregatesSchema, opts),
    providers: (opts) => call("GET", API_PATHS.providers, providerHealthSchema, opts),
    capacity: (opts) => call("GET", API_PATHS.capacity, capacitySchema, opts),
    settings: (opts) => call("GET", API_PATHS.settings, settingsSchema, opts),
    act: async <A extends ControlPlaneAction>(action: A, params: ActionParamsInput<A>, opts: ActOptions) => {
      const canonical = parseActionParams(action, params);
      // TypeScript cannot narrow the mapped schema type by a generic key; the schema for `action` parses ActionResponse<A>.
      const schema = actionResponseSchemas[action] as unknown as z.ZodType<ActionResponse<A>>;
      const path = API_PATHS.action(action);
      const response = await call("POST", path, schema, opts, canonical, { [IDEMPOTENCY_HEADER]: opts.idempotencyKey });
      if (response.idempotencyKey !== opts.idempotencyKey) {
        // The answer may belong to another request: whether this one ran is unknown, so it is neither a success nor
        // safe to send again blindly.
        const e = new ControlPlaneError({
          kind: "key-mismatch",
          status: 200,
          url: `${baseUrl}${path}`,
          echoedKey: response.idempotencyKey,
          message: `Control plane answered ${action} with idempotency key "${response.idempotencyKey.slice(0, 80)}", not the key sent ("${opts.idempotencyKey}"): the action may or may not have been applied`,
        });
        log.warn("control-plane.call.failed", { method: "POST", url: e.url, kind: e.kind, sentKey: opts.idempotencyKey, echoedKey: response.idempotencyKey, summary: response.summary });
        throw e;
      }
      return response;
    },
  };
}
