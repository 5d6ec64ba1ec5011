/**
 * Two portal replicas on one PostgreSQL database and one control-plane simulator, as in production (issue 17,
 * item 3): two `next start` processes on the production build `npm test` made, each on its own port, sharing the
 * database, the session secret and the audit key. The first replica is started alone and waits until it holds the
 * relay's advisory lock, so the test knows which one delivers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import pg from "pg";
import { createDb } from "../../lib/db";
import { LOCK_IDS } from "../../lib/locks";
import { seedDatabase } from "../../prisma/seed-db";
import { startSimulator, type SimulatorHandle } from "../../simulator/server";
import { freePort } from "../../scripts/lib/ports";
import { assertLocal, createTestDatabase, uniqueDatabaseName } from "../../tests/support/test-postgres";

export type Replica = { name: string; url: string; child: ChildProcess; logs: () => string; exited: Promise<number | null> };
export type Cluster = {
  a: Replica;
  b: Replica;
  simulator: SimulatorHandle;
  databaseUrl: string;
  sql: <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  /** Whether the relay's advisory lock is held by any session. */
  relayLockHeld: () => Promise<boolean>;
  stop: () => Promise<void>;
};

async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Replica ${name} exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`Replica ${name} did not start within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, url, child, logs: () => output, exited };
}

export async function startCluster(): Promise<Cluster> {
  const adminUrl = process.env.PORTAL_TEST_PG_URL;
  if (!adminUrl) throw new Error("PORTAL_TEST_PG_URL is not set: run the browser tests through `npm test` or `npm run test:e2e`.");
  assertLocal(adminUrl);
  const databaseUrl = await createTestDatabase(adminUrl, uniqueDatabaseName("replicas"));
  const client = createDb(databaseUrl);
  await seedDatabase(client);
  await client.$disconnect();
  const simulator = await startSimulator({ seed: 11 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const sql = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await pool.query<T>(text, params)).rows;
  const relayLockHeld = async () =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1 AND classid = 0`, [LOCK_IDS.relay]))[0].n > 0;

  const env = {
    DATABASE_URL: databaseUrl,
    CONTROL_PLANE_URL: simulator.url,
    SIMULATOR_URL: simulator.url,
    PORTAL_DEV_SIGN_IN: "force",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    AUDIT_HMAC_KEY: randomBytes(32).toString("base64url"),
    AUTH_TRUST_HOST: "true",
    PORTAL_RELAY_INTERVAL_MS: "200",
    PORTAL_JOBS_INTERVAL_MS: "1000",
    PORTAL_AUDIT_HEADS: "off",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
  const a = await startReplica("A", env);
  const deadline = Date.now() + 30_000;
  while (!(await relayLockHeld())) {
    if (Date.now() > deadline) throw new Error(`Replica A did not take the relay lock within 30 s:\n${a.logs()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const b = await startReplica("B", env);
  return {
    a,
    b,
    simulator,
    databaseUrl,
    sql,
    relayLockHeld,
    stop: async () => {
      for (const r of [a, b]) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGTERM");
      await Promise.all([a.exited, b.exited]);
      await simulator.stop();
      await pool.end();
    },
  };
}
