/**
 * Issue 17, item 2: SIGTERM during a slow delivery. A real child process runs the relay and an HTTP server the way
 * `next start` does (its own SIGTERM handler closes the server and calls process.exit(143)), with the portal's
 * shutdown handler installed over it. While the control plane takes 3 s to answer a command, the child gets SIGTERM:
 * it stops taking connections at once, waits for the delivery, records it, releases the relay's advisory lock and
 * exits within the bound; the control plane acted once. With a bound shorter than the delivery it exits on time,
 * and the next relay completes the command with no second effect.
 * (e2e/operations.ops.spec.ts does the same against the built server.)
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { deliverDueCommands } from "@/lib/control-plane/relay";
import { enqueueCommand } from "@/lib/stores/commands";
import { LOCK_IDS } from "@/lib/locks";

const RELAY_LOCK_ID = LOCK_IDS.relay;
import type { SimulatorHandle } from "@/simulator/server";
import { childProcessSetUp } from "../support/child-process";

const ROOT = path.resolve(import.meta.dirname, "../..");
let db: Db, url: string, sim: SimulatorHandle, dir: string;

beforeAll(async () => {
  ({ db, url, sim, dir } = await childProcessSetUp(5, "graceful-"));
  const mod = (p: string) => JSON.stringify(path.join(ROOT, p));
  writeFileSync(
    path.join(dir, "server-child.mts"),
    `
import http from "node:http";
import { createControlPlaneClient } from ${mod("lib/control-plane/client.ts")};
import { startRelay } from ${mod("lib/control-plane/relay.ts")};
import { installGracefulShutdown } from ${mod("lib/shutdown.ts")};

// What next start does: a server, and a signal handler that closes it and then exits with 143.
const server = http.createServer((_req, res) => res.end("ok"));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const cleanup = () => server.close(() => process.exit(143));
process.on("SIGTERM", cleanup);

const relay = startRelay({ intervalMs: 100, client: createControlPlaneClient({ baseUrl: process.env.CONTROL_PLANE_URL }) });
installGracefulShutdown({ timeoutMs: Number(process.env.PORTAL_SHUTDOWN_TIMEOUT_MS), tasks: () => [{ name: "control-plane relay", stop: relay }] });
while (!relay.isLeader()) await new Promise((r) => setTimeout(r, 20));
process.stdout.write(JSON.stringify({ msg: "listening", port: server.address().port }) + "\\n");
`,
  );
});
afterAll(async () => {
  await sim?.stop();
  await db?.$disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.state.faults.clear());

type Child = { proc: ChildProcessWithoutNullStreams; port: number; lines: () => Record<string, unknown>[]; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> };

async function startChild(timeoutMs: number): Promise<Child> {
  const proc = spawn(process.execPath, ["--import", "tsx", path.join(dir, "server-child.mts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, CONTROL_PLANE_URL: sim.url, PORTAL_SHUTDOWN_TIMEOUT_MS: String(timeoutMs), LOG_LEVEL: "info" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));
  const lines = () => out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const listening = lines().find((l) => l.msg === "listening");
    if (listening) return { proc, port: Number(listening.port), lines, exit };
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the child did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

async function lockHolders(): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, RELAY_LOCK_ID);
  return row.n;
}

// Each test starts a child process through tsx (seconds on a busy machine) and waits for slow answers.
describe("SIGTERM during a slow delivery", { timeout: 60_000 }, () => {
  it("stops taking connections, finishes the delivery in flight, releases the lock and exits within the bound; the control plane acts once", async () => {
    const child = await startChild(8_000);
    expect(await lockHolders()).toBe(1);
    sim.state.faults.configure({ rules: [{ target: "actions", phase: "after", kind: "latency", latencyMs: 3_000 }] });
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "set-db-pool-size", params: { size: 320 }, requestedBy: null }));
    await waitFor("the command to be claimed", async () => (await db.command.findUniqueOrThrow({ where: { id: row.id } })).state === "SENDING");
    await waitFor("the control plane to act", async () => sim.state.effects.count(row.idempotencyKey) === 1);

    const signalledAt = Date.now();
    child.proc.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    expect(await connects(child.port)).toBe(false);
    const exited = await child.exit;
    const took = exited.at - signalledAt;

    expect(exited.code).toBe(143);
    // It waited for the answer (about 2.7 s were left), and no longer than the bound.
    expect(took).toBeGreaterThan(2_000);
    expect(took).toBeLessThan(8_000);
    const done = await db.command.findUniqueOrThrow({ where: { id: row.id } });
    expect(done).toMatchObject({ state: "SUCCEEDED", attempts: 1 });
    expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
    expect(await db.auditEvent.count({ where: { targetId: row.id, action: "command.succeeded" } })).toBe(1);
    expect(await lockHolders()).toBe(0);
    const complete = child.lines().find((l) => l.msg === "shutdown.complete");
    expect(complete).toMatchObject({ signal: "SIGTERM", code: 143, why: "server closed and background work stopped", unfinished: [] });

    // Another relay can take the lock at once.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      expect((await other.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [RELAY_LOCK_ID])).rows[0].locked).toBe(true);
    } finally {
      await other.end();
    }
  });

  it("exits within the bound when the delivery takes longer; the next relay completes the command with no second effect", async () => {
    const child = await startChild(1_500);
    sim.state.faults.configure({ rules: [{ target: "actions", phase: "after", kind: "latency", latencyMs: 4_000 }] });
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "set-db-pool-size", params: { size: 330 }, requestedBy: null }));
    await waitFor("the control plane to act", async () => sim.state.effects.count(row.idempotencyKey) === 1);

    const signalledAt = Date.now();
    child.proc.kill("SIGTERM");
    const exited = await child.exit;
    expect(exited.code).toBe(143);
    // The bound plus slack for a saturated two-core machine (the exit itself is a 1.5 s timer).
    expect(exited.at - signalledAt).toBeLessThan(1_500 + 2_500);
    expect(exited.at - signalledAt).toBeGreaterThanOrEqual(1_400);
    expect(child.lines().find((l) => l.msg === "shutdown.complete")).toMatchObject({ why: "time limit of 1500 ms reached", unfinished: ["control-plane relay"] });
    expect(await db.command.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "SENDING", attempts: 1 });

    sim.state.faults.clear();
    const report = await deliverDueCommands({ db, client: createControlPlaneClient({ baseUrl: sim.url }), now: new Date(Date.now() + 120_000) });
    expect(report).toMatchObject({ claimed: 1, succeeded: 1 });
    expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
  });
});
