import { afterEach, describe, expect, it, vi } from "vitest";
import { log } from "../log";
import { createControlPlaneClient } from "./client";
import { withoutAddresses } from "./errors";
import { failure } from "./test-fixtures";

const BASE = "http://10.1.2.3:9999";

/** What a person sees must not tell them where the control plane lives. */
function expectNoAddress(message: string) {
  expect(message).not.toContain("10.1.2.3");
  expect(message).not.toContain("9999");
  expect(message).not.toMatch(/https?:|:\/\//i);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("control-plane error messages people see", () => {
  // Faked at the fetch level: this machine's network may answer for any address, so a real 10.1.2.3 is not reliable.
  it("say an unreachable control plane is unreachable without its address, which the log keeps", async () => {
    const warn = vi.spyOn(log, "warn").mockImplementation(() => {});
    const noRoute = (async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect EHOSTUNREACH 10.1.2.3:9999"), { code: "EHOSTUNREACH", address: "10.1.2.3", port: 9999 }) });
    }) as typeof fetch;
    const silent = ((_url: string, init: RequestInit) => new Promise((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)))) as typeof fetch;

    const unreachable = await failure(createControlPlaneClient({ baseUrl: BASE, fetch: noRoute, maxAttempts: 1 }).health());
    expect(unreachable).toMatchObject({ kind: "unreachable", message: "Control plane unreachable (EHOSTUNREACH)", url: `${BASE}/v1/health` });
    const timeout = await failure(createControlPlaneClient({ baseUrl: BASE, fetch: silent, timeoutMs: 100, maxAttempts: 1 }).health());
    expect(timeout).toMatchObject({ kind: "timeout", message: "Control plane did not answer within 0.1 s", url: `${BASE}/v1/health` });
    for (const e of [unreachable, timeout]) {
      expectNoAddress(e.message);
      expect(warn).toHaveBeenCalledWith("control-plane.call.failed", expect.objectContaining({ url: `${BASE}/v1/health`, kind: e.kind }));
    }
    expect(JSON.stringify(warn.mock.calls[0][1], (_k, v: unknown) => (v instanceof Error ? `${v.message} ${String(v.cause)}` : v))).toContain("10.1.2.3:9999");
  });

  it("leave the address out of every kind of failure: refused connection, dropped connection, 5xx body, bad answer", async () => {
    vi.spyOn(log, "warn").mockImplementation(() => {});
    const refused = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:9999"), { code: "ECONNREFUSED" }) });
    const dropped = new Error(`request to ${BASE}/v1/health failed: socket hang up at 10.1.2.3:9999`);
    const answers: (() => Response)[] = [
      () => {
        throw refused;
      },
      () => {
        throw dropped;
      },
      () => new Response(`<html>502 Bad Gateway: upstream ${BASE}/v1/health (10.1.2.3:9999) is down</html>`, { status: 502, statusText: "Bad Gateway" }),
      () => new Response(JSON.stringify({ type: "about:blank", title: "Unavailable", status: 503, code: "down", detail: `proxy at ${BASE} is restarting` }), { status: 503 }),
      () => new Response(JSON.stringify({ status: "ok", name: BASE }), { status: 200, headers: { "content-type": "application/json" } }),
    ];
    const messages: string[] = [];
    for (const answer of answers) {
      const fake = (async () => answer()) as typeof fetch;
      const e = await failure(createControlPlaneClient({ baseUrl: BASE, fetch: fake, maxAttempts: 1 }).health());
      messages.push(e.message);
      expectNoAddress(e.message);
      expect(e.url).toBe(`${BASE}/v1/health`);
    }
    expect(messages[0]).toBe("Control plane unreachable (connection refused)");
    expect(messages[1]).toMatch(/^Control plane closed the connection before answering/);
    expect(messages[2]).toMatch(/^Control plane error 502: /);
    expect(messages[3]).toMatch(/^Control plane error 503: proxy at .* is restarting$/);
    expect(messages[4]).toMatch(/^Control plane answered GET \/v1\/health with an unexpected response/);
  });

  it("hide the host as a whole name only, and any URL", () => {
    expect(withoutAddresses("cpu high on cp, cp:8080 and cp-2 down; see https://status.example/x.", "http://cp:8080/v1/health")).toBe("cpu high on [address], [address] and cp-2 down; see [address].");
  });
});
