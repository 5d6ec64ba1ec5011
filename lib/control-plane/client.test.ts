import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { createControlPlaneClient } from "./client";
import { ControlPlaneError, backoffDelayMs, isRetryableStatus, parseRetryAfter } from "./errors";

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ seed: 3, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim.stop();
});
afterEach(() => {
  sim.state.faults.clear();
});

const client = (opts: Partial<Parameters<typeof createControlPlaneClient>[0]> = {}) =>
  createControlPlaneClient({ baseUrl: sim.url, timeoutMs: 1_000, backoff: { baseMs: 5, maxMs: 20 }, ...opts });

async function failure(p: Promise<unknown>): Promise<ControlPlaneError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ControlPlaneError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("error messages a person can act on", () => {
  it("names the provider and the wait on a provider rate limit, and does not wait out a long Retry-After", async () => {
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "rate-limit", retryAfterSeconds: 40, provider: "openai" }] });
    const started = Date.now();
    const e = await failure(client().providers());
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(e.message).toBe("OpenAI rate limit: retry in 40 s");
    expect(e).toMatchObject({ kind: "rate-limited", retryable: true, status: 429, retryAfterMs: 40_000 });
  });

  it("says the control plane is unreachable, without its address", async () => {
    const stopped = await startSimulator({ speed: 0 });
    await stopped.stop();
    const e = await failure(createControlPlaneClient({ baseUrl: stopped.url, maxAttempts: 1 }).health());
    expect(e.message).toBe("Control plane unreachable (connection refused)");
    expect(e).toMatchObject({ kind: "unreachable", retryable: true });
  });

  it("reports a timeout with the limit it waited", async () => {
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "latency", latencyMs: 500 }] });
    const e = await failure(client({ timeoutMs: 100, maxAttempts: 1 }).capacity());
    expect(e.message).toBe("Control plane did not answer within 0.1 s");
    expect(e).toMatchObject({ kind: "timeout", retryable: true });
  });

  it("reports a dropped connection as retryable", async () => {
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "drop" }] });
    const e = await failure(client({ maxAttempts: 1 }).settings());
    expect(e.kind).toBe("connection-lost");
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/closed the connection before answering/);
  });

  it("refuses invalid parameters at the control plane as a permanent error naming the fields", async () => {
    const direct = await fetch(`${sim.url}/v1/actions/scale-flowengine`, {
      method: "POST",
      headers: { "idempotency-key": "bad-1", "content-type": "application/json" },
      body: JSON.stringify({ replicas: 99, hpaMin: 5, hpaMax: 20 }),
    });
    expect(direct.status).toBe(400);
    expect(direct.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await direct.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(["replicas"]);
  });

  it("maps a refused action (422) to a permanent error with the control plane's reason", async () => {
    const c = client();
    await c.act("rollback-to-pilot", {}, { idempotencyKey: "rb-1" });
    const e = await failure(c.act("run-flow", { repo: "billing-api" }, { idempotencyKey: "rf-1" }));
    expect(e.message).toBe("Control plane refused the request: billing-api is not on the allowlist");
    expect(e).toMatchObject({ kind: "refused", retryable: false, status: 422 });
    await c.act("set-allowlist", { add: ["billing-api"] }, { idempotencyKey: "al-1" });
  });

  it("rejects an answer that does not match the contract", async () => {
    const fake: typeof fetch = async () => new Response(JSON.stringify({ status: "ok", name: "x" }), { status: 200 });
    const e = await failure(createControlPlaneClient({ baseUrl: sim.url, fetch: fake }).health());
    expect(e.kind).toBe("invalid-response");
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/unexpected response \(version: /);
  });
});

describe("retries", () => {
  it("retries 5xx with backoff and succeeds within the attempt budget", async () => {
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "error", status: 503, times: 2 }] });
    const before = sim.state.count("GET /v1/telemetry/capacity");
    const capacity = await client({ maxAttempts: 3 }).capacity();
    expect(capacity.flowEngine.replicas).toBeGreaterThan(0);
    expect(sim.state.count("GET /v1/telemetry/capacity") - before).toBe(3);
  });

  it("stops after maxAttempts and throws the last error", async () => {
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "error", status: 502 }] });
    const before = sim.state.count("GET /v1/telemetry/capacity");
    const e = await failure(client({ maxAttempts: 2 }).capacity());
    expect(e.message).toBe("Control plane error 502: injected fault: HTTP 502");
    expect(sim.state.count("GET /v1/telemetry/capacity") - before).toBe(2);
  });

  it("honours a short Retry-After before retrying", async () => {
    sim.state.faults.configure({ rules: [{ target: "telemetry", kind: "rate-limit", retryAfterSeconds: 1, times: 1 }] });
    const started = Date.now();
    await client().providers();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("does not retry a permanent error", async () => {
    const before = sim.state.count("GET /v1/telemetry/flows/{flowId}");
    const e = await failure(client({ maxAttempts: 5 }).flow("flw_doesnotexist"));
    expect(e.kind).toBe("not-found");
    expect(sim.state.count("GET /v1/telemetry/flows/{flowId}") - before).toBe(1);
  });
});

describe("helpers", () => {
  it("classifies statuses", () => {
    expect([408, 409, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422, 501].some(isRetryableStatus)).toBe(false);
  });

  it("backs off exponentially with jitter in the upper half, capped", () => {
    expect(backoffDelayMs(1, { baseMs: 100, maxMs: 10_000, random: () => 0 })).toBe(50);
    expect(backoffDelayMs(1, { baseMs: 100, maxMs: 10_000, random: () => 1 })).toBe(100);
    expect(backoffDelayMs(4, { baseMs: 100, maxMs: 10_000, random: () => 1 })).toBe(800);
    expect(backoffDelayMs(20, { baseMs: 100, maxMs: 10_000, random: () => 1 })).toBe(10_000);
  });

  it("parses Retry-After in seconds and as a date", () => {
    expect(parseRetryAfter("40")).toBe(40_000);
    expect(parseRetryAfter("Thu, 20 Nov 2025 10:00:30 GMT", Date.parse("2025-11-20T10:00:00Z"))).toBe(30_000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("refuses a non-http base URL", () => {
    expect(() => createControlPlaneClient({ baseUrl: "ftp://x" })).toThrow(/http\(s\) URL/);
  });
});
