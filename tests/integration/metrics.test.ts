/**
 * Issue 17, item 1: /metrics as Prometheus reads it. The route handler, on a fresh database with a simulator as the
 * control plane: the bearer token (none, wrong, right), `promtool check metrics` on the answer, every metric the
 * issue names present, and counters and gauges that move after real work (a command queued and delivered, an
 * anonymous request refused, a chain verified and broken).
 */
import { spawnSync } from "node:child_process";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { deliverDueCommands } from "@/lib/control-plane/relay";
import { enqueueCommand } from "@/lib/stores/commands";
import { ISSUE_METRICS } from "@/lib/metrics/test-fixtures";
import { startSimulator, type SimulatorHandle } from "@/simulator/server";
import pg from "pg";
import { useFreshDatabase } from "./db";

// Route handlers import "server-only", which only Next's server bundles may load.
vi.mock("server-only", () => ({}));
// Nobody is signed in here (and next-auth's module cannot load outside Next).
vi.mock("@/lib/auth/session", () => ({ currentActor: async () => null }));

const TOKEN = "metrics-token-for-the-integration-test";
const hasPromtool = spawnSync("promtool", ["--version"], { encoding: "utf8" }).status === 0;

let db: Db;
let superUrl: string;
let sim: SimulatorHandle;
let GET: (req: Request) => Promise<Response>;

beforeAll(async () => {
  ({ client: db, superUrl } = await useFreshDatabase({ seed: true }));
  sim = await startSimulator({ seed: 9, speed: 0, startAt: "2025-11-20T10:00:00Z" });
  process.env.CONTROL_PLANE_URL = sim.url;
  process.env.PORTAL_METRICS_TOKEN = TOKEN;
  ({ GET } = await import("@/app/metrics/route"));
});
afterAll(async () => {
  delete process.env.PORTAL_METRICS_TOKEN;
  await sim?.stop();
  await db?.$disconnect();
});

const scrape = (authorization?: string) => GET(new Request("http://portal.test/metrics", { headers: authorization ? { authorization } : {} }));

async function metricsText(): Promise<string> {
  const res = await scrape(`Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one series (name and labels exactly as printed), or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  it("refuses a scrape without the token or with a wrong one (401, nothing else said), and serves the right one", async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain("portal_");

    for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`, TOKEN, "Bearer "]) {
      const res = await scrape(wrong);
      expect(res.status, wrong).toBe(401);
      expect(await res.text()).not.toContain("portal_");
    }
    const ok = await scrape(`bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.headers.get("set-cookie")).toBeNull();

    const text = await metricsText();
    // No header, Basic, a bare token and an empty bearer are "missing"; the two near misses are "wrong".
    expect(value(text, 'portal_anonymous_refusals_total{route="GET /metrics",reason="missing token"}')).toBe(4);
    expect(value(text, 'portal_anonymous_refusals_total{route="GET /metrics",reason="wrong token"}')).toBe(2);
  });

  it.skipIf(!hasPromtool && !process.env.CI)("is text that `promtool check metrics` accepts, with every metric the issue names", async () => {
    const text = await metricsText();
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
    expect(`${check.stdout}${check.stderr}`).toBe("");
    expect(check.status).toBe(0);
    for (const name of [...ISSUE_METRICS, "portal_audit_chain_head_seq", "portal_database_up"]) {
      expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, "m"));
    }
    // The broken check can fail: promtool refuses a metric with a bad name.
    const broken = spawnSync("promtool", ["check", "metrics"], { input: `${text}# TYPE portal-bad gauge\nportal-bad 1\n`, encoding: "utf8" });
    expect(broken.status).not.toBe(0);
  });

  it("reads the database at scrape time: roles and runbooks at 0, the control plane up, the database up", async () => {
    const text = await metricsText();
    expect(value(text, "portal_database_up")).toBe(1);
    expect(value(text, "portal_control_plane_up")).toBe(1);
    expect(value(text, 'portal_steps_waiting{role="SRE"}')).toBe(0);
    expect(value(text, 'portal_runs_in_progress{runbook="RB-CORE-001"}')).toBe(0);
    expect(value(text, "portal_outbox_pending_commands")).toBe(0);
    expect(value(text, 'portal_incidents_open{severity="P1",status="OPEN"}')).toBe(0);
  });

  it("counts what happens: a queued command is pending with an age, then delivered (relay counter, latency, audit events, chain head)", async () => {
    const before = await metricsText();
    const appendedBefore = value(before, "portal_audit_events_appended_total") ?? 0;
    const deliveredBefore = value(before, 'portal_relay_deliveries_total{outcome="succeeded"}') ?? 0;

    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "set-db-pool-size", params: { size: 250 }, requestedBy: null }));
    await db.command.update({ where: { id: row.id }, data: { createdAt: new Date(Date.now() - 90_000) } });
    const queued = await metricsText();
    expect(value(queued, "portal_outbox_pending_commands")).toBe(1);
    expect(value(queued, "portal_outbox_oldest_pending_seconds")).toBeGreaterThanOrEqual(89);

    const report = await deliverDueCommands({ db, client: createControlPlaneClient({ baseUrl: sim.url }) });
    expect(report).toMatchObject({ claimed: 1, succeeded: 1 });
    const after = await metricsText();
    expect(value(after, 'portal_relay_deliveries_total{outcome="succeeded"}')).toBe(deliveredBefore + 1);
    expect(value(after, 'portal_relay_delivery_duration_seconds_count{outcome="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(value(after, "portal_audit_events_appended_total")).toBe(appendedBefore + 1);
    expect(value(after, "portal_outbox_pending_commands")).toBe(0);
    const head = await db.auditEvent.aggregate({ _max: { seq: true } });
    expect(value(after, "portal_audit_chain_head_seq")).toBe(Number(head._max.seq));
  });

  it("counts an anonymous refusal (the Alertmanager webhook with a wrong token) by route and reason", async () => {
    process.env.ALERTMANAGER_WEBHOOK_TOKEN = "the-right-alertmanager-token";
    const { POST } = await import("@/app/api/alerts/alertmanager/route");
    const series = 'portal_anonymous_refusals_total{route="POST /api/alerts/alertmanager",reason="wrong or missing bearer token"}';
    const before = value(await metricsText(), series) ?? 0;
    for (let i = 0; i < 3; i++) {
      const res = await POST(new NextRequest("http://portal.test/api/alerts/alertmanager", { method: "POST", headers: { authorization: "Bearer not-it", "content-type": "application/json" }, body: "{}" }));
      expect(res.status).toBe(401);
    }
    expect(value(await metricsText(), series)).toBe(before + 3);
  });

  it("raises the last verified sequence after a verification, and counts a broken chain", async () => {
    const ok = await verifyChain(db);
    expect(ok.ok).toBe(true);
    const text = await metricsText();
    expect(value(text, "portal_audit_chain_last_verified_seq")).toBe(Number(ok.ok ? ok.headSeq : -1));
    const failuresBefore = value(text, "portal_audit_chain_verification_failures_total") ?? 0;

    // Forge an event as someone with the database's owner rights would (the trigger refuses ordinary sessions).
    const su = new pg.Client({ connectionString: superUrl });
    await su.connect();
    try {
      await su.query(`BEGIN`);
      await su.query(`SET LOCAL session_replication_role = replica`);
      await su.query(`UPDATE audit_event SET details = '{"forged":true}'::jsonb WHERE seq = (SELECT min(seq) FROM audit_event)`);
      await su.query(`COMMIT`);
    } finally {
      await su.end();
    }
    expect((await verifyChain(db)).ok).toBe(false);
    expect(value(await metricsText(), "portal_audit_chain_verification_failures_total")).toBe(failuresBefore + 1);
  });
});
