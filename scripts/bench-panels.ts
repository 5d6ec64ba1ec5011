/**
 * The live panels under load: N viewers (default 200) each polling GET /api/panels every 2 s, staggered as real
 * browsers are (each starts at a random offset within the interval), for 60 s, signed in as an SRE. Records latency
 * p50/p95/p99, errors, and the control plane's telemetry requests per second (from the simulator's request counts),
 * then runs the same load against bare route handlers for comparison in the same run.
 *
 *   npx tsx scripts/bench-panels.ts [--viewers 200] [--interval 2000] [--duration 60] [--skip-build]
 *                                   [--baseline /api/me,/api/health,/api/control-plane/openapi.json]
 *                                   [--small-viewers 20 --small-duration 20] [--warmup 10] [--panels-last]
 *
 * It builds into NEXT_DIST_DIR=.next-panels (unless --skip-build) and starts the portal as the browser tests do
 * (scripts/e2e-server.ts: an embedded PostgreSQL, the seeded people, the simulator, `next start`). Targets: p95 under
 * 50 ms, no errors, upstream calls independent of the number of viewers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { startTestPostgres } from "../tests/support/test-postgres";
import { freePort } from "./lib/ports";

const { values } = parseArgs({
  options: {
    viewers: { type: "string", default: "200" },
    interval: { type: "string", default: "2000" },
    duration: { type: "string", default: "60" },
    "small-viewers": { type: "string", default: "20" },
    "small-duration": { type: "string", default: "20" },
    baseline: { type: "string", default: "/api/me,/api/health,/api/control-plane/openapi.json" },
    warmup: { type: "string", default: "10" },
    "panels-last": { type: "boolean", default: false },
    "skip-build": { type: "boolean", default: false },
  },
});
const viewers = Number(values.viewers);
const intervalMs = Number(values.interval);
const durationMs = Number(values.duration) * 1000;
const smallViewers = Number(values["small-viewers"]);
const smallDurationMs = Number(values["small-duration"]) * 1000;
const warmupMs = Number(values.warmup) * 1000;
const baselines = values.baseline.split(",").map((s) => s.trim()).filter(Boolean);
const DIST_DIR = ".next-panels";
const TELEMETRY_ROUTE = "GET /v1/telemetry";
const SRE_EMAIL = "sam.rivera@ops.example";

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit", env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
  });
}

async function waitFor(url: string, timeoutMs: number, server: ChildProcess) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the portal exited with ${server.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Cookies from Set-Cookie headers, as one Cookie header (name=value pairs only). */
function mergeCookies(jar: Map<string, string>, res: Response) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** Signs in as the seeded SRE the way the sign-in page does: CSRF token, then the seeded-person callback. */
async function signIn(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = mergeCookies(jar, csrfRes);
  const res = await fetch(`${base}/api/auth/callback/seeded-person`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({ csrfToken, email: SRE_EMAIL, callbackUrl: `${base}/` }),
  });
  const all = mergeCookies(jar, res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed: HTTP ${res.status}`);
  const me = await fetch(`${base}/api/me`, { headers: { cookie: all } });
  if (!me.ok) throw new Error(`signed in, but /api/me answered ${me.status}`);
  return all;
}

async function upstreamCount(simulatorUrl: string): Promise<number> {
  const state = (await (await fetch(`${simulatorUrl}/admin/state`)).json()) as { requests: Record<string, number> };
  return state.requests[TELEMETRY_ROUTE] ?? 0;
}

type Result = { path: string; viewers: number; seconds: number; latencies: number[]; errors: number; statuses: Map<number, number>; upstreamPerSecond: number };

/** One request over a keep-alive agent; resolves with the status once the whole body has arrived. */
function get(agent: http.Agent, port: number, path: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, agent, headers: { cookie, accept: "application/json" } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error("timeout after 10 s")));
    req.on("error", reject);
    req.end();
  });
}

/**
 * N viewers, each with its own keep-alive connection (as N browsers have), polling every interval from a random
 * offset within the first interval; a viewer whose request is still in flight skips that tick (as TanStack Query does).
 */
async function load(opts: { port: number; path: string; cookie: string; viewers: number; durationMs: number; simulatorUrl: string }): Promise<Result> {
  const agents = Array.from({ length: opts.viewers }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const before = await upstreamCount(opts.simulatorUrl);
  const started = performance.now();
  const end = started + opts.durationMs;
  await Promise.all(
    agents.map(async (agent) => {
      let next = started + Math.random() * intervalMs;
      while (next < end) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const t0 = performance.now();
        try {
          const status = await get(agent, opts.port, opts.path, opts.cookie);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
        next += intervalMs;
        while (next < performance.now()) next += intervalMs;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await upstreamCount(opts.simulatorUrl);
  for (const a of agents) a.destroy();
  return { path: opts.path, viewers: opts.viewers, seconds, latencies: latencies.sort((a, b) => a - b), errors, statuses, upstreamPerSecond: (after - before) / seconds };
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

function row(r: Result) {
  const n = r.latencies.length;
  return `| \`${r.path}\` | ${r.viewers} | ${n} | ${(n / r.seconds).toFixed(1)} | ${pct(r.latencies, 50).toFixed(1)} | ${pct(r.latencies, 95).toFixed(1)} | ${pct(r.latencies, 99).toFixed(1)} | ${r.latencies[n - 1]?.toFixed(1)} | ${r.errors} | ${r.upstreamPerSecond.toFixed(2)} |`;
}

// ── Set-up: build, database, portal ────────────────────────────────────────────────────────────────────────────

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" };
if (!values["skip-build"]) {
  console.log(`▶ next build (${DIST_DIR})`);
  await run("npx", ["next", "build"], env);
}

const pg = await startTestPostgres();
const port = await freePort();
const simulatorPort = await freePort();
const base = `http://127.0.0.1:${port}`;
const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
const server = spawn("npx", ["tsx", "scripts/e2e-server.ts"], {
  stdio: ["ignore", "ignore", "inherit"],
  detached: true,
  env: { ...env, PORTAL_TEST_PG_URL: pg.adminUrl, E2E_PORT: String(port), E2E_SIMULATOR_PORT: String(simulatorPort) },
});
const stopServer = async () => {
  if (server.exitCode !== null || !server.pid) return;
  const exited = new Promise((r) => server.once("exit", r));
  process.kill(-server.pid, "SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
};

try {
  await waitFor(`${base}/api/health`, 120_000, server);
  const cookie = await signIn(base);
  // Warm-up at full load (JIT, connection pools, lazily loaded route chunks), not recorded.
  for (const path of ["/api/panels", ...baselines]) await load({ port, path, cookie, viewers, durationMs: warmupMs, simulatorUrl });

  const results: Result[] = [];
  const measurePanels = async () => {
    console.log(`\n▶ ${viewers} viewers × GET /api/panels every ${intervalMs} ms for ${durationMs / 1000} s`);
    results.push(await load({ port, path: "/api/panels", cookie, viewers, durationMs, simulatorUrl }));
    if (smallViewers > 0) {
      console.log(`▶ ${smallViewers} viewers × GET /api/panels for ${smallDurationMs / 1000} s (upstream calls at a tenth of the viewers)`);
      results.push(await load({ port, path: "/api/panels", cookie, viewers: smallViewers, durationMs: smallDurationMs, simulatorUrl }));
    }
  };
  if (!values["panels-last"]) await measurePanels();
  for (const path of baselines) {
    console.log(`▶ ${viewers} viewers × GET ${path} (baseline)`);
    results.push(await load({ port, path, cookie, viewers, durationMs, simulatorUrl }));
  }
  if (values["panels-last"]) await measurePanels();

  const statusNote = results
    .filter((r) => r.errors > 0)
    .map((r) => `${r.path}: ${[...r.statuses].map(([s, n]) => `${n}× ${s}`).join(", ")}`)
    .join("; ");
  console.log(`\nmachine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`);
  console.log(`load: staggered viewers polling every ${intervalMs} ms; latency = request sent → last body byte, over keep-alive connections\n`);
  console.log("| endpoint | viewers | requests | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | errors | upstream telemetry calls/s |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) console.log(row(r));
  if (statusNote) console.log(`\nnon-200 answers: ${statusNote}`);
  const panels = results.find((r) => r.path === "/api/panels")!;
  const p95 = pct(panels.latencies, 95);
  console.log(`\ntargets: p95 < 50 ms ${p95 < 50 ? "✓" : "✗"} (${p95.toFixed(1)}), 0 errors ${panels.errors === 0 ? "✓" : "✗"} (${panels.errors}), upstream ≤ 1 per 2 s TTL ${panels.upstreamPerSecond <= 0.55 ? "✓" : "✗"} (${panels.upstreamPerSecond.toFixed(2)}/s)`);
} finally {
  await stopServer();
  await pg.stop();
}
