import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import { formatResult, runContractChecks } from "./contract-check";

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, speed: 0, startAt: "2025-11-20T10:00:00Z" });
});
afterAll(async () => {
  await sim.stop();
});

/** A fetch that lets `change` rewrite the simulator's answers. */
const rewriting =
  (change: (url: string, res: Response, body: string) => Response | undefined): typeof fetch =>
  async (input, init) => {
    const res = await fetch(input, init);
    const body = await res.text();
    return change(String(input), res, body) ?? new Response(body, { status: res.status, headers: res.headers });
  };

describe("contract:check against the bundled simulator", () => {
  it("read-only: every check passes and nothing is changed", async () => {
    const before = sim.state.effects.summary().total;
    const report = await runContractChecks({ url: sim.url });
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.results.map((r) => r.name)).toEqual([
      "read.health",
      "read.telemetry",
      "read.flows",
      "read.flow",
      "read.aggregates.1h",
      "read.aggregates.6h",
      "read.aggregates.24h",
      "read.aggregates.7d",
      "read.providers",
      "read.capacity",
      "read.settings",
      "error.not-found",
      "error.invalid-query",
    ]);
    expect(report).toMatchObject({ ok: true, passed: 13, failed: 0, skipped: 0 });
    expect(sim.state.count("POST /v1/actions/set-retry-limit")).toBe(0);
    expect(sim.state.effects.summary().total).toBe(before);
  });

  it("--write: the no-op action, its replay, a reused key, a missing key and invalid parameters all behave; the settings do not change", async () => {
    const settings = await (await fetch(`${sim.url}/v1/settings`)).json();
    const report = await runContractChecks({ url: sim.url, write: true });
    expect(report.results.filter((r) => !r.ok)).toEqual([]);
    expect(report.results.filter((r) => r.name.startsWith("write.")).map((r) => r.name)).toEqual(["write.apply", "write.replay", "write.key-reused", "write.missing-key", "write.invalid-params"]);
    expect(report.results.find((r) => r.name === "write.apply")?.detail).toMatch(/status no-change$/);
    const after = (await (await fetch(`${sim.url}/v1/settings`)).json()) as { at: string };
    expect({ ...after, at: "" }).toEqual({ ...(settings as object), at: "" });
    // Applied at most once, under keys marked as the kit's.
    const effects = sim.state.effects.summary();
    expect(Object.keys(effects.byKey).every((k) => k.startsWith("contract-check-"))).toBe(true);
    expect(effects.duplicates).toEqual([]);
  });

  it("fails, saying what came back, when answers break the contract", async () => {
    const broken = rewriting((url, res, body) => {
      if (url.endsWith("/v1/settings")) return new Response(body, { status: 200, headers: { "content-type": "text/html" } });
      if (url.includes("/v1/telemetry/capacity")) return new Response(body.replace('"replicas"', '"replicaCount"'), { status: 200, headers: { "content-type": "application/json" } });
      if (url.includes("contract-check-no-such-flow")) return new Response(body, { status: 404, headers: { "content-type": "application/json" } });
      const headers = new Headers(res.headers);
      headers.delete("idempotent-replayed");
      return new Response(body, { status: res.status, headers });
    });
    const report = await runContractChecks({ url: sim.url, write: true, fetch: broken });
    const failed = Object.fromEntries(report.results.filter((r) => !r.ok).map((r) => [r.name, r.detail]));
    expect(failed).toEqual({
      "read.settings": 'GET /v1/settings: 200 in "text/html", expected application/json',
      "read.capacity": expect.stringMatching(/^GET \/v1\/telemetry\/capacity: the body does not match the contract \(flowEngine\.replicas: /),
      "error.not-found": expect.stringMatching(/404 in "application\/json", expected application\/problem\+json$/),
      // Without settings there is no no-op to send: the write checks say so instead of guessing.
    });
    expect(report.results.filter((r) => r.skipped).map((r) => r.name)).toEqual(["write.apply", "write.replay", "write.key-reused", "write.missing-key"]);
    expect(report.ok).toBe(false);

    const noReplayHeader = await runContractChecks({ url: sim.url, write: true, fetch: rewriting((_url, res, body) => {
      const headers = new Headers(res.headers);
      headers.delete("idempotent-replayed");
      return new Response(body, { status: res.status, headers });
    }) });
    expect(noReplayHeader.results.filter((r) => !r.ok).map((r) => [r.name, r.detail])).toEqual([["write.replay", 'the replay has no "Idempotent-Replayed: true" header']]);
  });

  it("reports a control plane that does not answer, per check", async () => {
    const down = await startSimulator({ speed: 0 });
    await down.stop();
    const report = await runContractChecks({ url: down.url, timeoutMs: 1_000 });
    expect(report.ok).toBe(false);
    expect(report.results[0]).toMatchObject({ name: "read.health", ok: false, detail: expect.stringMatching(/^request failed: .*ECONNREFUSED/) });
    expect(formatResult(report.results[0])).toMatch(/^FAIL {2}read\.health {12}request failed/);
  });

  it("the npm script exits 0 on a conforming control plane, 1 on a failing one, 2 on bad options", async () => {
    // Asynchronously: the simulator answering the script lives in this process.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, ["--import", "tsx", path.resolve("scripts/contract-check.ts"), ...args], { env: { ...process.env, CONTROL_PLANE_URL: "", LOG_LEVEL: "silent" }, timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
        );
      });
    const ok = await run("--url", sim.url, "--write");
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^PASS {2}write\.replay/m);
    expect(ok.stdout).toMatch(/18 passed, 0 failed: the control plane keeps the contract/);
    const bad = await run("--url", "http://127.0.0.1:9");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL {2}read\.health/m);
    expect((await run()).status).toBe(2);
    expect((await run("--url", "ftp://x")).status).toBe(2);
  }, 120_000);
});
