/**
 * Sign-off latency under 20 concurrent signers, through the same action path as the run page (session → parse →
 * permission → transaction with version checks and the hash-chained audit append). Each signer signs the current
 * step of its own runs, so the measurement is contention on the database and the audit chain, not lost races.
 *
 *   npx tsx scripts/bench-signoff.ts [--mode burst|closed] [--signers 20] [--per-signer 50] [--profile out.cpuprofile]
 *
 * --profile writes a CPU profile of the measured phase only (not the set-up), for Chrome DevTools.
 */
import { cpus, totalmem } from "node:os";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { createDb } from "../lib/db";
import { executeAction } from "../lib/actions/safe-action";
import { startRunAction } from "../lib/runs/start-run";
import { signStepAction } from "../lib/runs/actions";
import { seedDatabase } from "../prisma/seed-db";
import { createTestDatabase, startTestPostgres } from "../tests/support/test-postgres";

const { values } = parseArgs({ options: { signers: { type: "string", default: "20" }, "per-signer": { type: "string", default: "50" }, mode: { type: "string", default: "burst" }, profile: { type: "string" } } });
/**
 * burst: all signers click at the same moment, round after round (the run page's real pattern: a step becomes
 * current and everyone watching acts on it). closed: every signer signs again the moment its last sign-off returns
 * (a saturation test; latency then measures queueing).
 */
const mode = values.mode === "closed" ? "closed" : "burst";
const signers = Number(values.signers);
const perSigner = Number(values["per-signer"]);
process.env.LOG_LEVEL = "error";

/** CPU milliseconds used so far by the PostgreSQL server on `port` and its backends (Linux /proc). */
function serverCpuMs(port: number): number {
  const ticksPerSecond = 100; // USER_HZ
  const pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const read = (file: string) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return null; // the process ended meanwhile
    }
  };
  const postmaster = pids.find((pid) => read(`/proc/${pid}/cmdline`)?.split("\0").join(" ").includes(` -p ${port} `));
  if (!postmaster) return NaN;
  let total = 0;
  for (const pid of pids) {
    const text = read(`/proc/${pid}/stat`);
    if (!text) continue;
    // Fields after "(command) ": state ppid … utime (12th) stime (13th).
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    if (pid === postmaster || f[1] === postmaster) total += ((Number(f[11]) + Number(f[12])) * 1000) / ticksPerSecond;
  }
  return total;
}

const pg = await startTestPostgres();
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
  // Warm-up, not measured: one burst on each signer's extra run opens the pool's connections (SCRAM
  // authentication, first prepared statements), as on a server that has been serving for a while.
  const warmUp = await Promise.all(
    people.map(async (p, i) => {
      const t = performance.now();
      const r = await executeAction(signStepAction, p, { runId: runs[i][perSigner], stepId: "triage", notes: "warm-up" });
      if (!r.ok) throw new Error(r.message);
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
  const started = performance.now();
  const cpuBefore = { node: process.cpuUsage(), pg: serverCpuMs(pg.server.port) };
  const signOnce = async (p: (typeof people)[number], runId: string) => {
    const t = performance.now();
    const r = await executeAction(signStepAction, p, { runId, stepId: "triage", notes: "bench" });
    latencies.push(performance.now() - t);
    if (!r.ok) failures++;
  };
  if (mode === "closed") {
    await Promise.all(people.map(async (p, i) => {
      for (const runId of runs[i].slice(0, perSigner)) await signOnce(p, runId);
    }));
  } else {
    for (let round = 0; round < perSigner; round++) {
      await Promise.all(people.map((p, i) => signOnce(p, runs[i][round])));
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const wall = (performance.now() - started) / 1000;
  const nodeCpu = process.cpuUsage(cpuBefore.node);
  const cpu = { node: (nodeCpu.user + nodeCpu.system) / 1000, pg: serverCpuMs(pg.server.port) - cpuBefore.pg };
  if (inspector && values.profile) {
    const { profile } = await inspector.post("Profiler.stop");
    writeFileSync(values.profile, JSON.stringify(profile));
    inspector.disconnect();
  }
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  const events = (await client.auditEvent.count({ where: { action: "run.step.signed" } })) - warmUp.length;
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`mode: ${mode}`);
  console.log(`| signers | sign-offs | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | throughput (/s) | failures | audit events |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  console.log(`| ${signers} | ${latencies.length} | ${pct(0.5)} | ${pct(0.95)} | ${pct(0.99)} | ${latencies[latencies.length - 1].toFixed(1)} | ${(latencies.length / wall).toFixed(0)} | ${failures} | ${events} |`);
  console.log(`warm-up burst (${signers} at once on a cold pool, not in the table): slowest ${Math.max(...warmUp).toFixed(1)} ms`);
  console.log(`CPU per sign-off: Node ${(cpu.node / latencies.length).toFixed(2)} ms (user ${(nodeCpu.user / 1000 / latencies.length).toFixed(2)}), PostgreSQL ${(cpu.pg / latencies.length).toFixed(2)} ms (wall ${wall.toFixed(1)} s)`);
  await client.$disconnect();
} finally {
  await pg.stop();
}
process.exit(0);
