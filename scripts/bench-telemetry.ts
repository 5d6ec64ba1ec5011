/**
 * Telemetry read latency through the typed client (HTTP + JSON + zod validation) against the simulator:
 *   npx tsx scripts/bench-telemetry.ts [--n 2000] [--warmup 100] [--endpoint telemetry|aggregates|flows|providers]
 *                                      [--concurrency 1] [--url http://…]
 * Without --url it starts the simulator in a child process (as `npm start` would), so client and server do not
 * share an event loop. Prints p50/p95/p99 in ms and the machine, for docs/benchmarks.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createControlPlaneClient, type ControlPlaneClient } from "../lib/control-plane/client";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "2000" },
    warmup: { type: "string", default: "100" },
    endpoint: { type: "string", default: "telemetry" },
    concurrency: { type: "string", default: "1" },
    url: { type: "string" },
  },
});
const n = Number(values.n);
const warmup = Number(values.warmup);
const concurrency = Math.max(1, Number(values.concurrency));
const endpoint = values.endpoint ?? "telemetry";
if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(warmup) || warmup < 0) throw new Error("--n and --warmup must be whole numbers");

const reads: Record<string, (c: ControlPlaneClient) => Promise<unknown>> = {
  telemetry: (c) => c.telemetry(),
  aggregates: (c) => c.aggregates(),
  flows: (c) => c.flows({ limit: 50 }),
  providers: (c) => c.providers(),
};
const read = reads[endpoint];
if (!read) throw new Error(`--endpoint must be one of ${Object.keys(reads).join(", ")}`);

async function startChildSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const root = path.resolve(import.meta.dirname, "..");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/simulator.ts"), "--port", "0", "--seed", "42"], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^CONTROL_PLANE_URL=(\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
  });
  return { url, child };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const sim = values.url ? { url: values.url, child: null } : await startChildSimulator();
try {
  const client = createControlPlaneClient({ baseUrl: sim.url, maxAttempts: 1 });
  for (let i = 0; i < warmup; i++) await read(client);
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const t0 = performance.now();
        await read(client);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const wall = performance.now() - started;
  samples.sort((a, b) => a - b);
  const bytes = JSON.stringify(await read(client)).length;
  const cpus = os.cpus();
  const fmt = (x: number) => x.toFixed(2);
  console.log(`endpoint        ${endpoint} (${(bytes / 1024).toFixed(1)} KB JSON per read)`);
  console.log(`reads           ${n} after ${warmup} warm-up, concurrency ${concurrency}`);
  console.log(`p50 / p95 / p99 ${fmt(percentile(samples, 50))} / ${fmt(percentile(samples, 95))} / ${fmt(percentile(samples, 99))} ms`);
  console.log(`min / max       ${fmt(samples[0])} / ${fmt(samples[samples.length - 1])} ms`);
  console.log(`throughput      ${((n / wall) * 1000).toFixed(0)} reads/s`);
  console.log(`machine         ${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`);
} finally {
  sim.child?.kill("SIGTERM");
}
