/**
 * The control-plane simulator's HTTP server (node:http, 127.0.0.1 only). It serves the contract in
 * lib/control-plane/contract.ts over a SimulatorModel, dedupes actions by Idempotency-Key, injects faults, and offers
 * an admin API (/admin/*) for drills and tests. See docs/control-plane.md.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../lib/audit/canonical";
import { CONTROL_PLANE_ACTIONS, type ControlPlaneAction } from "../lib/control-plane/actions";
import {
  API_PATHS,
  IDEMPOTENCY_HEADER,
  PROBLEM_CONTENT_TYPE,
  REPLAYED_HEADER,
  flowQuerySchema,
  isControlPlaneAction,
  problem,
  providerSchema,
  safeParseActionParams,
  snapshotQuerySchema,
  windowQuerySchema,
  type Problem,
} from "../lib/control-plane/contract";
import { buildOpenApiDocument } from "../lib/control-plane/openapi";
import { FaultInjector, type FaultDecision, type FaultPhase, type FaultTarget } from "./faults";
import { EffectCounter, IdempotencyStore, type StoredResponse } from "./idempotency";
import { SCENARIOS, SimulatorModel, type ModelOptions } from "./model";

export const SIMULATOR_VERSION = "1.0.0";
const MAX_BODY_BYTES = 256 * 1024;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export type SimulatorOptions = ModelOptions & {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback addresses are accepted (default 127.0.0.1). */
  host?: string;
  /** Simulated milliseconds per real millisecond (default 1; 0 freezes the clock: only /admin/clock moves it). */
  speed?: number;
  /** How often the clock is advanced while idle, in real ms (default 1000). Reads always catch up first. */
  tickIntervalMs?: number;
};

const scenarioSchema = z.discriminatedUnion("scenario", [
  z.strictObject({ scenario: z.literal("provider-outage"), providers: z.array(providerSchema).min(1).max(3).optional(), count: z.number().int().min(1).max(3).optional() }),
  z.strictObject({ scenario: z.literal("rate-limit-storm"), provider: providerSchema.optional() }),
  z.strictObject({ scenario: z.literal("cost-runaway"), repo: z.string().min(1).optional() }),
  z.strictObject({ scenario: z.literal("large-context-timeouts"), repos: z.array(z.string().min(1)).min(1).optional() }),
  z.strictObject({ scenario: z.literal("mass-failure"), repos: z.array(z.string().min(1)).min(1).optional() }),
  z.strictObject({ scenario: z.literal("schema-breaking-deployment") }),
  z.strictObject({ scenario: z.literal("db-pool-exhaustion") }),
  z.strictObject({ scenario: z.literal("leaked-api-key"), provider: providerSchema.optional() }),
  z.strictObject({ scenario: z.literal("clear") }),
]);

const clockSchema = z.strictObject({
  advanceMs: z.number().min(0).max(366 * 86_400_000).optional(),
  speed: z.number().min(0).max(100_000).optional(),
});

/** Everything the simulator holds; tests can reach it directly through `startSimulator(...).state`. */
export class SimulatorState {
  model: SimulatorModel;
  readonly idempotency = new IdempotencyStore();
  readonly effects = new EffectCounter();
  readonly faults: FaultInjector;
  /** Requests seen per route ("GET /v1/telemetry"), admin routes included. */
  readonly requests = new Map<string, number>();
  speed: number;
  private lastReal = Date.now();

  constructor(private readonly options: SimulatorOptions) {
    this.model = new SimulatorModel(options);
    this.speed = options.speed ?? 1;
    this.faults = new FaultInjector(this.model.seed);
  }

  /** Moves the simulated clock by the real time elapsed since the last call, times `speed`. */
  syncClock(): void {
    const now = Date.now();
    const elapsed = now - this.lastReal;
    this.lastReal = now;
    if (elapsed > 0 && this.speed > 0) this.model.tick(elapsed * this.speed);
  }

  advance(ms: number): void {
    this.syncClock();
    this.model.tick(ms);
  }

  setSpeed(speed: number): void {
    this.syncClock();
    this.speed = speed;
  }

  /** Back to the start: same seed and start time, no keys, effects, faults or scenarios. */
  reset(): void {
    this.model = new SimulatorModel(this.options);
    this.idempotency.clear();
    this.effects.clear();
    this.faults.clear();
    this.requests.clear();
    this.speed = this.options.speed ?? 1;
    this.lastReal = Date.now();
  }

  count(route: string): number {
    return this.requests.get(route) ?? 0;
  }
}

export type SimulatorHandle = {
  url: string;
  port: number;
  state: SimulatorState;
  stop: () => Promise<void>;
};

class HttpError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  const contentType = status >= 400 ? PROBLEM_CONTENT_TYPE : "application/json";
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text), "cache-control": "no-store", ...headers });
  res.end(text);
}

function sendProblem(res: ServerResponse, p: Problem, headers: Record<string, string> = {}): void {
  sendJson(res, p.status, p, p.retryAfterSeconds !== undefined ? { "retry-after": String(Math.ceil(p.retryAfterSeconds)), ...headers } : headers);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(problem(413, "invalid-request", "Request body too large", { detail: `at most ${MAX_BODY_BYTES} bytes` }));
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(problem(400, "invalid-request", "Malformed JSON", { detail: "the request body is not valid JSON" }));
  }
}

function invalid(error: z.ZodError, title = "Invalid request"): HttpError {
  const errors = error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  return new HttpError(problem(400, "invalid-request", title, { detail: errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; "), errors }));
}

function parseQuery<T extends z.ZodType>(schema: T, url: URL): z.output<T> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw invalid(parsed.error, "Invalid query");
  return parsed.data;
}

function routeName(method: string, path: string): string {
  if (path.startsWith("/v1/telemetry/flows/")) return `${method} /v1/telemetry/flows/{flowId}`;
  return `${method} ${path}`;
}

/** Starts the simulator; resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const host = opts.host ?? "127.0.0.1";
  if (!["127.0.0.1", "::1", "localhost"].includes(host)) throw new Error(`The simulator binds to loopback only, not ${host}.`);
  const state = new SimulatorState(opts);
  const stopping = new AbortController();
  const sockets = new Set<Socket>();
  let openapi: unknown;

  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (ms <= 0) return resolve(true);
      if (stopping.signal.aborted) return resolve(false);
      const timer = setTimeout(() => {
        stopping.signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      stopping.signal.addEventListener("abort", onAbort, { once: true });
    });

  /** Applies a fault decision; returns true when the request was answered (or dropped) by it. */
  async function applyFault(decision: FaultDecision, res: ServerResponse): Promise<boolean> {
    if (decision.latencyMs > 0 && !(await sleep(decision.latencyMs))) {
      res.socket?.destroy();
      return true;
    }
    if (res.destroyed || res.socket?.destroyed) return true;
    const t = decision.terminal;
    if (!t) return false;
    if (t.kind === "drop") {
      res.socket?.destroy();
      return true;
    }
    if (t.kind === "rate-limit") {
      const who = t.provider ? `${t.provider} rate limit` : "Rate limit";
      sendProblem(res, problem(429, "rate-limited", "Too many requests", { detail: `${who} reached (injected fault)`, retryAfterSeconds: t.retryAfterSeconds, provider: t.provider }));
      return true;
    }
    sendProblem(res, problem(t.status, "unavailable", "Control plane unavailable", { detail: `injected fault: HTTP ${t.status}` }));
    return true;
  }

  const fault = (target: FaultTarget, action: string | null, phase: FaultPhase) => state.faults.decide(target, action, phase);

  async function handleAction(req: IncomingMessage, res: ServerResponse, action: ControlPlaneAction): Promise<void> {
    if (req.method !== "POST") throw new HttpError(problem(405, "invalid-request", "Method not allowed", { detail: "actions are POST requests" }));
    if (await applyFault(fault("actions", action, "before"), res)) return;
    const body = await readJson(req);
    const rawKey = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    const key = Array.isArray(rawKey) ? rawKey[0] : rawKey;
    if (!key) throw new HttpError(problem(400, "missing-idempotency-key", "Missing Idempotency-Key", { detail: `every action needs an ${IDEMPOTENCY_HEADER} header` }));
    if (!KEY_PATTERN.test(key)) throw new HttpError(problem(400, "missing-idempotency-key", "Invalid Idempotency-Key", { detail: "1–255 printable ASCII characters" }));
    const bodyHash = createHash("sha256").update(canonicalJson({ action, body })).digest("hex");

    const existing = state.idempotency.get(key);
    if (existing) {
      if (existing.bodyHash !== bodyHash || existing.action !== action) {
        throw new HttpError(
          problem(422, "idempotency-key-reused", "Idempotency key reused", {
            detail: `key ${key} was first used for a different request (${existing.action}); use a new key for a new request`,
          }),
        );
      }
      if (existing.state === "in-flight") {
        throw new HttpError(problem(409, "request-in-flight", "Request still in progress", { detail: `the request with key ${key} is still being processed`, retryAfterSeconds: 1 }));
      }
      if (await applyFault(fault("actions", action, "after"), res)) return;
      sendJson(res, existing.response.status, existing.response.body, { ...existing.response.headers, [REPLAYED_HEADER.toLowerCase()]: "true" });
      return;
    }

    state.idempotency.begin(key, action, bodyHash);
    let response: StoredResponse;
    try {
      const during = fault("actions", action, "processing");
      if (during.latencyMs > 0 && !(await sleep(during.latencyMs))) {
        state.idempotency.release(key);
        res.socket?.destroy();
        return;
      }
      if (during.terminal) {
        state.idempotency.release(key);
        await applyFault({ latencyMs: 0, terminal: during.terminal }, res);
        return;
      }
      const parsed = safeParseActionParams(action, body);
      if (!parsed.ok) {
        const errors = parsed.error.issues;
        const p = problem(400, "invalid-request", "Invalid action parameters", { detail: parsed.error.message, errors });
        response = { status: 400, body: p };
      } else {
        state.syncClock();
        const outcome = state.model.apply(action, parsed.params);
        if (outcome.ok) {
          state.effects.record(key, action);
          response = {
            status: 200,
            body: {
              action,
              idempotencyKey: key,
              status: outcome.status,
              appliedAt: new Date(state.model.now()).toISOString(),
              summary: outcome.summary,
              result: outcome.result,
            },
          };
        } else {
          response = { status: outcome.status, body: problem(outcome.status, outcome.code, outcome.title, { detail: outcome.detail }) };
        }
      }
      state.idempotency.finish(key, response);
    } catch (e) {
      state.idempotency.release(key);
      throw e;
    }
    if (await applyFault(fault("actions", action, "after"), res)) return;
    sendJson(res, response.status, response.body);
  }

  async function handleRead(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== "GET") throw new HttpError(problem(405, "invalid-request", "Method not allowed", { detail: "telemetry is read with GET" }));
    const path = url.pathname;
    if (await applyFault(fault("telemetry", null, "before"), res)) return;
    state.syncClock();
    const m = state.model;
    let body: unknown;
    if (path === API_PATHS.telemetry) body = m.snapshot(parseQuery(snapshotQuerySchema, url));
    else if (path === API_PATHS.flows) body = { at: new Date(m.now()).toISOString(), flows: m.listFlows(parseQuery(flowQuerySchema, url)) };
    else if (path.startsWith(`${API_PATHS.flows}/`)) {
      const id = decodeURIComponent(path.slice(API_PATHS.flows.length + 1));
      body = m.getFlow(id);
      if (!body) throw new HttpError(problem(404, "not-found", "Flow not found", { detail: `no flow ${id}` }));
    } else if (path === API_PATHS.aggregates) body = m.aggregates(parseQuery(windowQuerySchema, url).window);
    else if (path === API_PATHS.providers) body = m.providerHealth();
    else if (path === API_PATHS.capacity) body = m.capacity();
    else if (path === API_PATHS.settings) body = m.settings();
    else throw new HttpError(problem(404, "not-found", "Not found", { detail: `no endpoint ${path}` }));
    if (await applyFault(fault("telemetry", null, "after"), res)) return;
    sendJson(res, 200, body);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    const parse = async <T extends z.ZodType>(schema: T): Promise<z.output<T>> => {
      const parsed = schema.safeParse(await readJson(req));
      if (!parsed.success) throw invalid(parsed.error);
      return parsed.data;
    };
    state.syncClock();
    switch (route) {
      case "GET /admin/state":
        return sendJson(res, 200, {
          clock: new Date(state.model.now()).toISOString(),
          speed: state.speed,
          seed: state.model.seed,
          scenarios: state.model.activeScenarios(),
          faults: state.faults.describe(),
          effects: state.effects.summary(),
          idempotencyKeys: state.idempotency.size,
          requests: Object.fromEntries(state.requests),
        });
      case "GET /admin/scenario":
        return sendJson(res, 200, { active: state.model.activeScenarios(), available: SCENARIOS });
      case "POST /admin/scenario": {
        const input = await parse(scenarioSchema);
        if (input.scenario === "clear") state.model.clearScenarios();
        else state.model.injectScenario(input);
        return sendJson(res, 200, { active: state.model.activeScenarios() });
      }
      case "DELETE /admin/scenario":
        state.model.clearScenarios();
        return sendJson(res, 200, { active: [] });
      case "GET /admin/faults":
        return sendJson(res, 200, state.faults.describe());
      case "POST /admin/faults": {
        const body = await readJson(req);
        try {
          state.faults.configure(body);
        } catch (e) {
          if (e instanceof z.ZodError) throw invalid(e);
          throw e;
        }
        return sendJson(res, 200, state.faults.describe());
      }
      case "DELETE /admin/faults":
        state.faults.clear();
        return sendJson(res, 200, state.faults.describe());
      case "GET /admin/effects":
        return sendJson(res, 200, state.effects.summary());
      case "POST /admin/reset":
        state.reset();
        return sendJson(res, 200, { clock: new Date(state.model.now()).toISOString() });
      case "GET /admin/clock":
        return sendJson(res, 200, { clock: new Date(state.model.now()).toISOString(), speed: state.speed });
      case "POST /admin/clock": {
        const input = await parse(clockSchema);
        if (input.advanceMs) state.advance(input.advanceMs);
        if (input.speed !== undefined) state.setSpeed(input.speed);
        return sendJson(res, 200, { clock: new Date(state.model.now()).toISOString(), speed: state.speed });
      }
      default:
        throw new HttpError(problem(404, "not-found", "Not found", { detail: `no admin endpoint ${route}` }));
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const route = routeName(req.method ?? "GET", url.pathname);
    state.requests.set(route, (state.requests.get(route) ?? 0) + 1);
    const work = async () => {
      if (url.pathname.startsWith("/admin/")) return handleAdmin(req, res, url);
      if (url.pathname === API_PATHS.openapi && req.method === "GET") {
        openapi ??= buildOpenApiDocument();
        return sendJson(res, 200, openapi);
      }
      if (url.pathname === API_PATHS.health && req.method === "GET") {
        state.syncClock();
        return sendJson(res, 200, { status: "ok", name: "orchestrator-control-plane-simulator", version: SIMULATOR_VERSION, simulated: true, clock: new Date(state.model.now()).toISOString() });
      }
      if (url.pathname.startsWith("/v1/actions/")) {
        const action = url.pathname.slice("/v1/actions/".length);
        if (!isControlPlaneAction(action)) {
          throw new HttpError(problem(404, "not-found", "Unknown action", { detail: `no action "${action}" (known: ${CONTROL_PLANE_ACTIONS.join(", ")})` }));
        }
        return handleAction(req, res, action);
      }
      return handleRead(req, res, url);
    };
    work().catch((e: unknown) => {
      if (e instanceof HttpError) return sendProblem(res, e.problem);
      const detail = e instanceof Error ? e.message : String(e);
      sendProblem(res, problem(500, "internal", "Simulator error", { detail }));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const timer = setInterval(() => state.syncClock(), opts.tickIntervalMs ?? 1_000);
  timer.unref();

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host === "::1" ? "[::1]" : host}:${port}`,
    port,
    state,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        stopping.abort();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      })),
  };
}
