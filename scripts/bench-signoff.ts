/**
 * Sign-off latency under 20 concurrent signers. Each signer signs the current step of its own runs, so the
 * measurement is contention on the database and the audit chain, not lost races.
 *
 *   npx tsx scripts/bench-signoff.ts [--via action|http] [--mode burst|closed] [--signers 20] [--per-signer 50]
 *                                    [--profile out.cpuprofile]
 *
 * --via action (default): the action path the run page's server action and the JSON API both call (zod, permission,
 *   object check, one transaction with version checks and the hash-chained audit append), in this process.
 * --via http: the whole request through `next start` on the production build (run `npx next build` first): the
 *   JSON step API (`POST /api/runs/:id/steps/:stepId`) with a session cookie, so session decoding, the person's
 *   database lookup, routing and JSON are included, and the load generator shares the two cores with the server.
 * --profile writes a CPU profile of this process during the measured phase only (for Chrome DevTools).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { encode } from "next-auth/jwt";
import { createDb } from "../lib/db";
import { executeAction } from "../lib/actions/safe-action";
import { startRunAction } from "../lib/runs/start-run";
import { signStepAction } from "../lib/runs/actions";
import { seedDatabase } from "../prisma/seed-db";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-postgres";
import { freePort } from "./lib/ports";

const { values } = parseArgs({
  options: {
    via: { type: "string", default: "action" },
    mode: { type: "string", default: "burst" },
    signers: { type: "string", default: "20" },
    "per-signer": { type: "string", default: "50" },
    profile: { type: "string" },
  },
});
const via = values.via === "http" ? "http" : "action";
/**
 * burst: all signers click at the same moment, round after round (the run page's real pattern: a step becomes
 * current and everyone watching acts on it). closed: every signer signs again the moment its last sign-off returns
 * (a saturation test; latency then measures queueing).
 */
const mode = values.mode === "closed" ? "closed" : "burst";
const signers = Number(values.signers);
const perSigner = Number(values["per-signer"]);
process.env.LOG_LEVEL = "error";

const TICKS_PER_SECOND = 100; // USER_HZ

function readProc(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null; // the process ended meanwhile
  }
}

/** pid → [ppid, CPU ms so far] for every process (Linux /proc). */
function processTable(): Map<string, [string, number]> {
  const table = new Map<string, [string, number]>();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const text = readProc(`/proc/${pid}/stat`);
    if (!text) continue;
    // Fields after "(command) ": state ppid … utime (12th) stime (13th).
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    table.set(pid, [f[1], ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND]);
  }
  return table;
}

/** CPU milliseconds used so far by a process and all its descendants. */
function treeCpuMs(root: string): number {
  const table = processTable();
  let total = 0;
  for (const [pid, [, ms]] of table) {
    for (let p: string | undefined = pid; p && p !== "0" && p !== "1"; p = table.get(p)?.[0]) {
      if (p === root) {
        total += ms;
        break;
      }
    }
  }
  return total;
}

/** The PostgreSQL server listening on `port` (its postmaster's pid). */
function postmasterPid(port: number): string {
  const pid = readdirSync("/proc").find((d) => /^\d+$/.test(d) && readProc(`/proc/${d}/cmdline`)?.split("\0").join(" ").includes(` -p ${port} `));
  if (!pid) throw new Error(`No PostgreSQL server on port ${port}.`);
  return pid;
}

/** `next start` on the production build against `url`, without the relay and jobs (they are not what is measured). */
async function startPortal(url: string, secret: string): Promise<{ base: string; child: ChildProcess }> {
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npx next build` first (or `npm test`, which builds).");
  const port = await freePort();
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, AUTH_SECRET: secret, AUTH_TRUST_HOST: "true", PORTAL_RELAY: "off", PORTAL_JOBS: "off", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "error" },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error("next start exited.");
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) return { base, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("next start did not answer within 30 s.");
}

const pg = await startTestPostgres();
let portal: { base: string; child: ChildProcess } | null = null;
try {
  const url = await createTestDatabase(pg.adminUrl, "bench_signoff");
  process.env.DATABASE_URL = url;
  const client = createDb(url);
  await seedDatabase(client);
  const people = await Promise.all(
    Array.from({ length: signers }, async (_, i) => {
      const p = await client.person.create({ data: { email: `signer${i}@bench.example`, name: `Signer ${i}`, roles: ["SRE"] } });
      return { id: p.id, email: p.email, name: p.name, roles: p.roles };
    }),
  );
  // Each signer gets its own runs (started by itself), and one more for the warm-up burst.
  const runs: string[][] = [];
  for (const p of people) {
    const mine: string[] = [];
    for (let i = 0; i <= perSigner; i++) {
      const r = await executeAction(startRunAction, p, { runbookId: "RB-CORE-001" });
      if (!r.ok) throw new Error(r.message);
      mine.push(r.data.runId);
    }
    runs.push(mine);
  }

  /** Signs step "triage" of the run as signer i; true when it was signed. */
  let sign: (i: number, runId: string, notes: string) => Promise<boolean>;
  let serverPid = String(process.pid);
  if (via === "http") {
    const secret = randomBytes(32).toString("base64url");
    portal = await startPortal(url, secret);
    serverPid = String(portal.child.pid);
    // The session cookie the sign-in would set (Auth.js JWT, salted with the cookie's name).
    const cookieName = "authjs.session-token";
    // New people are at session version 0; a session names the version and its sign-in time (lib/auth/session-state.ts).
    const now = Math.floor(Date.now() / 1000);
    const token = (p: (typeof people)[number]) => ({ sub: p.id, email: p.email, name: p.name, sv: 0, authTime: now, lastSeen: now });
    const cookies = await Promise.all(people.map(async (p) => `${cookieName}=${await encode({ token: token(p), secret, salt: cookieName })}`));
    const { base } = portal;
    sign = async (i, runId, notes) => {
      const res = await fetch(`${base}/api/runs/${runId}/steps/triage`, { method: "POST", headers: { "content-type": "application/json", cookie: cookies[i] }, body: JSON.stringify({ op: "sign", notes }) });
      await res.arrayBuffer();
      return res.ok;
    };
  } else {
    sign = async (i, runId, notes) => (await executeAction(signStepAction, people[i], { runId, stepId: "triage", notes })).ok;
  }

  // Warm-up, not measured: one burst on each signer's extra run opens the pool's connections (SCRAM
  // authentication, first prepared statements) and loads the route, as on a server that has been serving a while.
  const warmUp = await Promise.all(
    people.map(async (_, i) => {
      const t = performance.now();
      if (!(await sign(i, runs[i][perSigner], "warm-up"))) throw new Error(`Warm-up sign-off ${i} failed.`);
      return performance.now() - t;
    }),
  );

  const latencies: number[] = [];
  let failures = 0;
  const inspector = values.profile ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post("Profiler.enable");
    await inspector.post("Profiler.start");
  }
  const postmaster = postmasterPid(pg.server.port);
  const started = performance.now();
  const before = { server: via === "http" ? treeCpuMs(serverPid) : 0, self: process.cpuUsage(), pg: treeCpuMs(postmaster) };
  const signOnce = async (i: number, runId: string) => {
    const t = performance.now();
    const ok = await sign(i, runId, "bench");
    latencies.push(performance.now() - t);
    if (!ok) failures++;
  };
  if (mode === "closed") {
    await Promise.all(people.map(async (_, i) => {
      for (const runId of runs[i].slice(0, perSigner)) await signOnce(i, runId);
    }));
  } else {
    for (let round = 0; round < perSigner; round++) {
      await Promise.all(people.map((_, i) => signOnce(i, runs[i][round])));
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const wall = (performance.now() - started) / 1000;
  const self = process.cpuUsage(before.self);
  const cpu = {
    self: (self.user + self.system) / 1000,
    server: via === "http" ? treeCpuMs(serverPid) - before.server : (self.user + self.system) / 1000,
    pg: treeCpuMs(postmaster) - before.pg,
  };
  if (inspector && values.profile) {
    const { profile } = await inspector.post("Profiler.stop");
    writeFileSync(values.profile, JSON.stringify(profile));
    inspector.disconnect();
  }
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  const events = (await client.auditEvent.count({ where: { action: "run.step.signed" } })) - warmUp.length;
  const per = (ms: number) => (ms / latencies.length).toFixed(2);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`via: ${via}, mode: ${mode}`);
  console.log(`| signers | sign-offs | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | throughput (/s) | failures | audit events |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  console.log(`| ${signers} | ${latencies.length} | ${pct(0.5)} | ${pct(0.95)} | ${pct(0.99)} | ${latencies[latencies.length - 1].toFixed(1)} | ${(latencies.length / wall).toFixed(0)} | ${failures} | ${events} |`);
  console.log(`warm-up burst (${signers} at once on a cold server, not in the table): slowest ${Math.max(...warmUp).toFixed(1)} ms`);
  console.log(
    `CPU per sign-off: portal ${per(cpu.server)} ms, PostgreSQL ${per(cpu.pg)} ms` + (via === "http" ? `, load generator ${per(cpu.self)} ms` : "") + ` (wall ${wall.toFixed(1)} s)`,
  );
  await client.$disconnect();
} finally {
  portal?.child.kill("SIGTERM");
  await pg.stop();
}
process.exit(0);
