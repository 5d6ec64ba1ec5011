/**
 * Issue 17, items 1 and 2, against the production build: `next start` with its own database, a simulator as the
 * control plane and PORTAL_METRICS_TOKEN. Prometheus's view of it (token, `promtool check metrics`, route patterns
 * rather than raw paths, counters that move after a sign-in and a delivered command), the health endpoints, and a
 * SIGTERM while the control plane is slow to answer: the portal stops taking connections, finishes the delivery,
 * releases the relay lock and exits within PORTAL_SHUTDOWN_TIMEOUT_MS; the control plane acted once.
 */
import { spawnSync } from "node:child_process";
import net from "node:net";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { enqueueCommand } from "../lib/stores/commands";
import { LOCK_IDS } from "../lib/locks";
import { createDb, type Db } from "../lib/db";
import { freePort } from "../scripts/lib/ports";
import { startSimulator, type SimulatorHandle } from "../simulator/server";
import { startPortal, type TestPortal } from "./sso/portal";
import { PEOPLE } from "./support";

const TOKEN = "e2e-metrics-token-0123456789";
const SHUTDOWN_BOUND_MS = 8_000;

test.describe.configure({ mode: "serial" });

let portal: TestPortal;
let sim: SimulatorHandle;
let db: Db;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  sim = await startSimulator({ seed: 11, speed: 0 });
  portal = await startPortal(
    await freePort(),
    {
      CONTROL_PLANE_URL: sim.url,
      SIMULATOR_URL: sim.url,
      PORTAL_RELAY: "on",
      PORTAL_RELAY_INTERVAL_MS: "100",
      PORTAL_METRICS_TOKEN: TOKEN,
      PORTAL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_BOUND_MS),
      PORTAL_DEV_SIGN_IN: "force",
    },
    "ops",
  );
  db = createDb(portal.databaseUrl);
});

test.afterAll(async () => {
  await portal?.stop();
  await db?.$disconnect();
  await sim?.stop();
});

async function scrape(authorization?: string) {
  return fetch(`${portal.url}/metrics`, { headers: authorization ? { authorization } : {}, redirect: "manual" });
}

async function metrics(): Promise<string> {
  const res = await scrape(`Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return res.text();
}

const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test("/metrics: 401 without the token or with a wrong one, 200 with it, no session and no page CSP", async () => {
  for (const auth of [undefined, `Bearer ${TOKEN}-not`, "Bearer x"]) {
    const res = await scrape(auth);
    expect(res.status, String(auth)).toBe(401);
    expect(res.headers.get("location")).toBeNull();
  }
  const res = await scrape(`Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("set-cookie")).toBeNull();
  expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
});

test("/metrics is what promtool accepts, by route pattern, with the relay leading and the control plane up", async ({ request }) => {
  // A raw path with an id must show as its pattern.
  const runId = "0b6f4a8e-3a38-4f43-9d59-0d1f2c3b4a5e";
  await request.get(`${portal.url}/runs/${runId}`, { maxRedirects: 0 });
  // A request of this test's own to a static route (rather than relying on the start-up health checks).
  expect((await request.get(`${portal.url}/api/health`)).status()).toBe(200);
  await expect.poll(async () => value(await metrics(), "portal_relay_leader"), { timeout: 10_000 }).toBe(1);
  // Checked at most every 10 s with a 2 s timeout: on a saturated machine one check may miss.
  await expect.poll(async () => value(await metrics(), "portal_control_plane_up"), { timeout: 30_000, intervals: [1_000] }).toBe(1);
  const text = await metrics();
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  expect(`${check.stdout}${check.stderr}`).toBe("");
  expect(check.status).toBe(0);
  expect(value(text, 'portal_http_request_duration_seconds_count{route="/api/health",method="GET",status="200"}')).toBeGreaterThanOrEqual(1);
  expect(text).toMatch(/portal_http_request_duration_seconds_count\{route="\/runs\/\[id\]",method="GET",status="307"\} [1-9]/);
  expect(text).not.toContain(runId);
  expect(value(text, "portal_control_plane_up")).toBe(1);
  expect(value(text, "portal_database_up")).toBe(1);
  expect(value(text, 'portal_runs_in_progress{runbook="RB-CORE-001"}')).toBe(0);
});

test("counters move: a sign-in, a refused anonymous action and a delivered command", async ({ page }) => {
  const before = await metrics();
  page.context().setDefaultNavigationTimeout(30_000);
  await page.goto(`${portal.url}/signin`);
  await page.getByRole("button", { name: new RegExp(`^Sign in as ${PEOPLE.sre.name}`) }).click();
  await page.waitForURL(`${portal.url}/`);
  const anonymous = await fetch(`${portal.url}/api/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(anonymous.status).toBe(401);

  const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "set-db-pool-size", params: { size: 310 }, requestedBy: null }));
  await expect.poll(async () => (await db.command.findUniqueOrThrow({ where: { id: row.id } })).state, { timeout: 15_000 }).toBe("SUCCEEDED");

  const after = await metrics();
  const delta = (series: string) => (value(after, series) ?? 0) - (value(before, series) ?? 0);
  expect(delta('portal_sign_ins_total{provider="seeded-person",outcome="success"}')).toBe(1);
  expect(delta('portal_anonymous_refusals_total{route="POST /api/runs",reason="not signed in"}')).toBe(1);
  expect(delta('portal_relay_deliveries_total{outcome="succeeded"}')).toBe(1);
  expect(delta("portal_audit_events_appended_total")).toBeGreaterThanOrEqual(1);
  expect(value(after, "portal_audit_chain_head_seq")).toBeGreaterThan(value(before, "portal_audit_chain_head_seq") ?? 0);
});

test("health: live and ready answer 200", async () => {
  const live = await fetch(`${portal.url}/api/health/live`);
  expect(live.status).toBe(200);
  const ready = await fetch(`${portal.url}/api/health/ready`);
  expect(await ready.json()).toMatchObject({ status: "ready", reason: null });
  expect(ready.status).toBe(200);
});

test("SIGTERM during a slow delivery: no new connections, the delivery finishes once, the lock is released, exit within the bound", async () => {
  test.setTimeout(60_000);
  sim.state.faults.configure({ rules: [{ target: "actions", phase: "after", kind: "latency", latencyMs: 3_000 }] });
  const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "set-db-pool-size", params: { size: 340 }, requestedBy: null }));
  await expect.poll(() => sim.state.effects.count(row.idempotencyKey), { timeout: 10_000, intervals: [25] }).toBe(1);

  const signalledAt = Date.now();
  portal.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  const port = Number(new URL(portal.url).port);
  const connected = await new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
  expect(connected).toBe(false);

  const exited = await portal.exited;
  const took = exited.at - signalledAt;
  console.log(`SIGTERM to exit: ${took} ms (bound ${SHUTDOWN_BOUND_MS} ms, control plane answer due about 2.7 s after the signal)`);
  expect(exited.code).toBe(143);
  expect(took).toBeGreaterThan(2_000);
  expect(took).toBeLessThan(SHUTDOWN_BOUND_MS);
  expect(await db.command.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "SUCCEEDED", attempts: 1 });
  expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
  expect(portal.logs()).toMatch(/"msg":"shutdown.complete".*"why":"server closed and background work stopped"/);

  const other = new pg.Client({ connectionString: portal.databaseUrl });
  await other.connect();
  try {
    const held = await other.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [LOCK_IDS.relay]);
    expect(held.rows[0].n).toBe(0);
  } finally {
    await other.end();
  }
});
