import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { createControlPlaneClient } from "./client";
import { backoffDelayMs, isRetryableStatus, parseRetryAfter } from "./errors";
import { failure } from "./test-fixtures";

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
    const fake: typeof fetch = async () => new Response(JSON.stringify({ status: "ok", name: "x" }), { status: 200, headers: { "content-type": "application/json" } });
    const e = await failure(createControlPlaneClient({ baseUrl: sim.url, fetch: fake }).health());
    expect(e.kind).toBe("invalid-response");
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/unexpected response \(version: /);
  });
});

/** An action answer as the contract gives it, echoing `key`. */
const answer = (key: string) => ({
  action: "set-db-pool-size",
  idempotencyKey: key,
  status: "applied",
  appliedAt: "2025-11-20T10:00:00.000Z",
  summary: "DB pool size set to 250.",
  result: { dbPool: { size: 250, inUse: 12 } },
});
const json = (body: unknown, status = 200, type = "application/json") => new Response(JSON.stringify(body), { status, headers: { "content-type": type } });
const keyOf = (init?: RequestInit) => new Headers(init?.headers).get("idempotency-key") ?? "";

describe("what the client takes as an answer (issue 17: the independent mock server)", () => {
  it("accepts problem+json: a server that honours Accept can send its 503, which is then an error, not a success", async () => {
    // Like a mock server generated from the contract: the 503 exists only as application/problem+json, so a client
    // that does not accept that type gets the 200 instead.
    const honoursAccept: typeof fetch = async (_url, init) => {
      const accept = new Headers(init?.headers).get("accept") ?? "";
      if (accept.split(",").some((t) => t.trim().split(";")[0] === "application/problem+json")) {
        return json({ type: "urn:x", title: "Unavailable", status: 503, code: "unavailable", detail: "forced" }, 503, "application/problem+json");
      }
      return json(answer(keyOf(init)));
    };
    const e = await failure(createControlPlaneClient({ baseUrl: sim.url, fetch: honoursAccept, maxAttempts: 1 }).act("set-db-pool-size", { size: 250 }, { idempotencyKey: "k-accept" }));
    expect(e).toMatchObject({ kind: "unavailable", retryable: true, status: 503, message: "Control plane error 503: forced" });
    expect(e.problem?.code).toBe("unavailable");
  });

  it("reads the problem object of an application/problem+json error (code, Retry-After from retryAfterSeconds)", async () => {
    const fake: typeof fetch = async () => json({ type: "urn:x", title: "Too many", status: 429, code: "rate-limited", retryAfterSeconds: 7, provider: "google" }, 429, "application/problem+json; charset=utf-8");
    const e = await failure(createControlPlaneClient({ baseUrl: sim.url, fetch: fake, maxAttempts: 1 }).providers());
    expect(e).toMatchObject({ kind: "rate-limited", retryAfterMs: 7_000, message: "Google rate limit: retry in 7 s" });
  });

  it("never takes a 2xx in a type it did not ask for as success, even with a conforming body", async () => {
    for (const type of ["text/html", "application/problem+json", "text/plain"]) {
      const fake: typeof fetch = async (_url, init) => json(answer(keyOf(init)), 200, type);
      const e = await failure(createControlPlaneClient({ baseUrl: sim.url, fetch: fake, maxAttempts: 1 }).act("set-db-pool-size", { size: 250 }, { idempotencyKey: "k-type" }));
      expect(e, type).toMatchObject({ kind: "invalid-response", retryable: false, status: 200 });
      expect(e.message).toContain(`"${type}"`);
    }
    const charset: typeof fetch = async (_url, init) => json(answer(keyOf(init)), 200, "Application/JSON; charset=utf-8");
    expect((await createControlPlaneClient({ baseUrl: sim.url, fetch: charset }).act("set-db-pool-size", { size: 250 }, { idempotencyKey: "k-cs" })).status).toBe("applied");
  });

  it("an answer echoing another idempotency key is an error that is not retried, naming both keys", async () => {
    let calls = 0;
    const other: typeof fetch = async () => {
      calls++;
      return json(answer("someone-elses-key"));
    };
    const e = await failure(createControlPlaneClient({ baseUrl: sim.url, fetch: other, maxAttempts: 3 }).act("set-db-pool-size", { size: 250 }, { idempotencyKey: "k-mine" }));
    expect(e).toMatchObject({ kind: "key-mismatch", retryable: false, echoedKey: "someone-elses-key" });
    expect(e.message).toBe('Control plane answered set-db-pool-size with idempotency key "someone-elses-key", not the key sent ("k-mine"): the action may or may not have been applied');
    expect(calls).toBe(1);
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
