/**
 * A relay process is killed (SIGKILL, a real child process) at the worst moments: after the control plane applied
 * the action but before the outcome was committed, and after the row was claimed but before anything was sent.
 * After "restart" (a new pass in this process) each command completes with its effect applied exactly once. And a
 * takeover: the relay leader (a child process running startRelay with the defaults) is killed while its request is
 * in flight; the other replica takes over in under 10 s and the control plane applies the action once.
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import { createControlPlaneClient } from "@/lib/control-plane/client";
import { deliverDueCommands, startRelay } from "@/lib/control-plane/relay";
import { enqueueCommand } from "@/lib/stores/commands";
import type { SimulatorHandle } from "@/simulator/server";
import { childProcessSetUp } from "../support/child-process";

const ROOT = path.resolve(import.meta.dirname, "../..");
let db: Db, url: string, sim: SimulatorHandle, dir: string;

beforeAll(async () => {
  ({ db, url, sim, dir } = await childProcessSetUp(4, "cp-crash-"));
  writeFileSync(
    path.join(dir, "relay-child.mts"),
    `
import { createDb } from ${JSON.stringify(path.join(ROOT, "lib/db.ts"))};
import { createControlPlaneClient } from ${JSON.stringify(path.join(ROOT, "lib/control-plane/client.ts"))};
import { deliverDueCommands } from ${JSON.stringify(path.join(ROOT, "lib/control-plane/relay.ts"))};

const db = createDb(process.env.DATABASE_URL);
const real = createControlPlaneClient({ baseUrl: process.env.CONTROL_PLANE_URL, maxAttempts: 1 });
const die = () => {
  process.kill(process.pid, "SIGKILL");
  return new Promise(() => {});
};
const client = {
  ...real,
  act: async (...args) => {
    if (process.env.CRASH_POINT === "before-send") return die();
    const response = await real.act(...args);
    process.stdout.write("answered " + response.status + "\\n");
    return die();
  },
};
process.stdout.write("claiming\\n");
await deliverDueCommands({ db, client, leaseMs: 30_000 });
process.stdout.write("survived\\n");
process.exit(3);
`,
  );
  // A replica's relay as instrumentation.ts starts it: the lease and everything else at their defaults.
  writeFileSync(
    path.join(dir, "relay-leader.mts"),
    `
import { createDb } from ${JSON.stringify(path.join(ROOT, "lib/db.ts"))};
import { createControlPlaneClient } from ${JSON.stringify(path.join(ROOT, "lib/control-plane/client.ts"))};
import { startRelay } from ${JSON.stringify(path.join(ROOT, "lib/control-plane/relay.ts"))};

const db = createDb(process.env.DATABASE_URL);
const relay = startRelay({ db, client: createControlPlaneClient({ baseUrl: process.env.CONTROL_PLANE_URL }), databaseUrl: process.env.DATABASE_URL, intervalMs: 500 });
const timer = setInterval(() => {
  if (relay.isLeader()) {
    process.stdout.write("leader\\n");
    clearInterval(timer);
  }
}, 20);
`,
  );
});
afterAll(async () => {
  await sim?.stop();
  await db?.$disconnect();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function runChild(crashPoint: "after-response" | "before-send"): Promise<{ signal: NodeJS.Signals | null; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, "relay-child.mts")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, CONTROL_PLANE_URL: sim.url, CRASH_POINT: crashPoint, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const manualFlows = () => sim.state.model.listFlows({ limit: 1000 }).filter((f) => f.trigger === "manual");

describe("relay crash recovery", () => {
  it("a relay killed after the control plane acted but before recording the outcome leaves SENDING; the next pass completes it with no second effect", async () => {
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "run-flow", params: { repo: "checkout-web" }, requestedBy: null }));

    const child = await runChild("after-response");
    expect(child.stderr).toBe("");
    expect(child.signal).toBe("SIGKILL");
    expect(child.stdout).toBe("claiming\nanswered applied\n");

    const crashed = await db.command.findUniqueOrThrow({ where: { id: row.id } });
    expect(crashed).toMatchObject({ state: "SENDING", attempts: 1, lastError: null, response: null });
    expect(await db.auditEvent.count({ where: { targetId: row.id } })).toBe(0);
    expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
    expect(manualFlows()).toHaveLength(1);

    const client = createControlPlaneClient({ baseUrl: sim.url });
    // While its lease runs, nobody else picks the row up.
    expect(await deliverDueCommands({ db, client })).toMatchObject({ claimed: 0 });
    const report = await deliverDueCommands({ db, client, now: new Date(Date.now() + 31_000) });
    expect(report).toMatchObject({ claimed: 1, succeeded: 1 });

    const done = await db.command.findUniqueOrThrow({ where: { id: row.id } });
    expect(done).toMatchObject({ state: "SUCCEEDED", attempts: 2, lastError: null });
    expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
    expect(manualFlows()).toHaveLength(1);
    expect((done.response as { result: { flowId: string } }).result.flowId).toBe(manualFlows()[0].id);
    expect(await db.auditEvent.count({ where: { targetId: row.id, action: "command.succeeded" } })).toBe(1);
    expect((await verifyChain(db)).ok).toBe(true);
  });

  it("a relay killed after claiming but before sending leaves SENDING; the next pass sends it once", async () => {
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "set-db-pool-size", params: { size: 300 }, requestedBy: null }));
    const child = await runChild("before-send");
    expect(child.signal).toBe("SIGKILL");
    expect(await db.command.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "SENDING", attempts: 1 });
    expect(sim.state.effects.count(row.idempotencyKey)).toBe(0);

    await deliverDueCommands({ db, client: createControlPlaneClient({ baseUrl: sim.url }), now: new Date(Date.now() + 31_000) });
    expect(await db.command.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "SUCCEEDED", attempts: 2 });
    expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
    expect(sim.state.model.capacity().dbPool.size).toBe(300);
  });

  it("takeover: the relay leader is killed with its request in flight; the other replica delivers it in under 10 s, applied once", async () => {
    // The control plane takes 1.5 s to apply it, so the leader dies while its request is being processed.
    sim.state.faults.configure({ rules: [{ target: "actions", phase: "processing", kind: "latency", latencyMs: 1_500 }] });
    const row = await db.$transaction((tx) => enqueueCommand(tx, { action: "run-flow", params: { repo: "billing-api" }, requestedBy: null }));
    const flowsBefore = manualFlows().length;
    const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, "relay-leader.mts")], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: url, CONTROL_PLANE_URL: sim.url, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let other: Awaited<ReturnType<typeof startRelay>> | undefined;
    try {
      const until = async (ok: () => boolean | Promise<boolean>, what: string, ms: number) => {
        const deadline = Date.now() + ms;
        while (!(await ok())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (child: ${stdout})`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => stdout.includes("leader"), "the child to lead", 30_000);
      // The other replica, already running (it cannot lead while the child holds the lock).
      other = startRelay({ db, client: createControlPlaneClient({ baseUrl: sim.url }), databaseUrl: url, intervalMs: 500 });
      await until(() => sim.state.idempotency.get(row.idempotencyKey)?.state === "in-flight", "the child's request to reach the control plane", 30_000);
      expect(await db.command.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ state: "SENDING", attempts: 1 });
      expect(other.isLeader()).toBe(false);

      child.kill("SIGKILL");
      const killedAt = Date.now();
      expect(await exited).toBe("SIGKILL");
      await until(async () => (await db.command.findUniqueOrThrow({ where: { id: row.id } })).state === "SUCCEEDED", "the other replica to deliver", 20_000);
      const takeover = Date.now() - killedAt;
      expect(takeover).toBeLessThan(10_000);
      expect(other.isLeader()).toBe(true);

      const done = await db.command.findUniqueOrThrow({ where: { id: row.id } });
      expect(done).toMatchObject({ state: "SUCCEEDED", attempts: 2 });
      expect(sim.state.effects.count(row.idempotencyKey)).toBe(1);
      expect(manualFlows().length - flowsBefore).toBe(1);
      expect(await db.auditEvent.count({ where: { targetId: row.id, action: "command.succeeded" } })).toBe(1);
      expect((await verifyChain(db)).ok).toBe(true);
    } finally {
      sim.state.faults.clear();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await other?.();
    }
  }, 60_000);
});
