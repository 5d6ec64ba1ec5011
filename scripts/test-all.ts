/**
 * `npm test`: every check, sized for a 2-core machine, in two lanes that run side by side:
 *
 *   checks:  lint → deadcode → runbooks → unit → integration → self-test* → e2e-own*
 *   browser: build → e2e
 *
 * (* waits for the build.) `build` is `next build`, which type-checks the whole project (every file tsconfig.json
 * includes, tests and scripts too) before it compiles, so a separate `typecheck` step would do that work twice; it
 * stays available with `--only typecheck`. `e2e` is the Playwright suite on one shared portal (one worker: its tests
 * share a database, a simulator and rate windows); `e2e-own` is the Playwright projects whose tests start their own
 * portals (single sign-on, replicas, the standalone server, operations), which share nothing with it. The integration
 * tests and the browser tests each wait on PostgreSQL, a browser or a server for much of their time, so two lanes
 * fill two cores that one lane left half idle (docs/benchmarks.md, "CI budget").
 *
 * Each step's output goes to test-results/logs/<step>.log (follow it with `tail -f`) and is printed whole when the
 * step ends, so two lanes never interleave their lines. `--serial` runs one step at a time, in the order above.
 * `--only a,b` runs a subset; anything after the options goes to Playwright, e.g.
 * `npm test -- --only build,e2e e2e/drill.multi.spec.ts` (`e2e` in `--only` means both Playwright steps).
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { startTestPostgres } from "../tests/support/test-postgres";
import { freePort } from "./lib/ports";
import { printSlowest, readTimings } from "./lib/timings";

// Every test's duration and timeout go to test-results/timings; the summary lists the slowest against their timeouts.
// PORTAL_TEST_OUTPUT moves all of it (the runner self-test runs `npm test` inside `npm test`, and must not wipe the
// outer run's logs and timings).
const OUT = process.env.PORTAL_TEST_OUTPUT ?? "test-results";
const TIMINGS_DIR = path.join(OUT, "timings");
const LOG_DIR = path.join(OUT, "logs");
const TIMED = ["--reporter=default", "--reporter=./tests/support/timing-reporter.ts"];

type Lane = "checks" | "browser";
type Step = { name: string; cmd: string[]; lane: Lane; needsPg?: boolean; after?: string; env?: Record<string, string>; playwright?: boolean };
const STEPS: Step[] = [
  { name: "typecheck", cmd: ["npx", "tsc", "--noEmit"], lane: "checks" },
  { name: "lint", cmd: ["npx", "eslint", "--max-warnings", "0", "."], lane: "checks" },
  // Files, exports and dependencies nothing uses (knip.jsonc says what counts as an entry point).
  { name: "deadcode", cmd: ["npx", "knip", "--no-progress"], lane: "checks" },
  { name: "runbooks", cmd: ["npx", "tsx", "scripts/runbooks-check.ts"], lane: "checks" },
  { name: "unit", cmd: ["npx", "vitest", "run", "--project", "unit", "--project", "unit-isolated", ...TIMED], lane: "checks" },
  { name: "integration", cmd: ["npx", "vitest", "run", "--project", "integration", ...TIMED], lane: "checks", needsPg: true },
  { name: "build", cmd: ["npx", "next", "build"], lane: "browser" },
  // Each runner, on fixtures that fail on purpose, must exit non-zero (tests/self-test/check-runners.ts).
  { name: "self-test", cmd: ["npx", "tsx", "tests/self-test/check-runners.ts"], lane: "checks", needsPg: true, after: "build" },
  { name: "e2e", cmd: ["npx", "playwright", "test"], lane: "browser", needsPg: true, after: "build", playwright: true, env: { PORTAL_E2E_GROUP: "shared", E2E_OUTPUT_DIR: path.join(OUT, "e2e") } },
  { name: "e2e-own", cmd: ["npx", "playwright", "test"], lane: "checks", needsPg: true, after: "build", playwright: true, env: { PORTAL_E2E_GROUP: "own", E2E_OUTPUT_DIR: path.join(OUT, "e2e-own") } },
];
/** What a full run does: the build type-checks, so `typecheck` runs only when asked for. */
const DEFAULT = STEPS.filter((s) => s.name !== "typecheck");

const { values, positionals } = parseArgs({ options: { only: { type: "string" }, serial: { type: "boolean" } }, allowPositionals: true });
const only = values.only?.split(",").flatMap((s) => (s.trim() === "e2e" ? ["e2e", "e2e-own"] : [s.trim()]));
const unknown = only?.filter((n) => !STEPS.some((s) => s.name === n)) ?? [];
if (unknown.length) {
  console.error(`Unknown step in --only: ${unknown.join(", ")} (known: ${STEPS.map((s) => s.name).join(", ")})`);
  process.exit(2);
}
const steps = only ? STEPS.filter((s) => only.includes(s.name)) : DEFAULT;

/** Runs one command with its output in a log file; resolves with its exit code. */
function run(cmd: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<number> {
  return new Promise((resolve) => {
    const log = createWriteStream(logFile);
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"], env });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("error", (e) => log.write(`\n${e.message}\n`));
    child.on("close", (code, signal) => log.end(() => resolve(code ?? (signal ? 1 : 0))));
  });
}

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", PORTAL_TIMINGS_DIR: TIMINGS_DIR };
rmSync(TIMINGS_DIR, { recursive: true, force: true });
rmSync(LOG_DIR, { recursive: true, force: true });
mkdirSync(LOG_DIR, { recursive: true });

type Result = { name: string; ok: boolean; seconds: number; skipped?: boolean };
const results: Result[] = [];
const done = new Map<string, Promise<Result>>();
const startedAt = performance.now();
const clock = () => `${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s`;

async function runStep(step: Step): Promise<Result> {
  const before = step.after ? done.get(step.after) : undefined;
  if (before && !(await before).ok) return { name: step.name, ok: false, seconds: 0, skipped: true };
  const cmd = step.playwright && positionals.length ? [...step.cmd, ...positionals, "--pass-with-no-tests"] : step.cmd;
  const logFile = path.join(LOG_DIR, `${step.name}.log`);
  console.log(`${clock()}  ▶ ${step.name}: ${cmd.join(" ")}  (output: ${logFile})`);
  const t0 = performance.now();
  const code = await run(cmd, { ...env, ...step.env }, logFile);
  const result = { name: step.name, ok: code === 0, seconds: (performance.now() - t0) / 1000 };
  console.log(`\n──── ${step.name} (${result.ok ? "passed" : `failed, exit ${code}`}, ${result.seconds.toFixed(1)} s) ────`);
  process.stdout.write(readFileSync(logFile));
  console.log(`${clock()}  ${result.ok ? "✓" : "✗"} ${step.name} ${result.seconds.toFixed(1)} s`);
  return result;
}

let pg: Awaited<ReturnType<typeof startTestPostgres>> | undefined;
try {
  if (steps.some((s) => s.needsPg)) {
    pg = await startTestPostgres();
    env.PORTAL_TEST_PG_URL = pg.adminUrl;
    env.E2E_PORT ??= String(await freePort());
    env.E2E_SIMULATOR_PORT ??= String(await freePort());
  }
  // Every step's result is a promise registered up front, so a step in one lane can wait for one in the other.
  const settle = new Map<string, (r: Result) => void>();
  for (const s of steps) done.set(s.name, new Promise<Result>((resolve) => settle.set(s.name, resolve)));
  const lanes = values.serial ? [steps] : (["checks", "browser"] as const).map((lane) => steps.filter((s) => s.lane === lane));
  await Promise.all(
    lanes.map(async (laneSteps) => {
      for (const step of laneSteps) {
        const r = await runStep(step);
        settle.get(step.name)!(r);
        results.push(r);
      }
    }),
  );
} finally {
  await pg?.stop();
}

printSlowest(readTimings(TIMINGS_DIR), 10);

console.log("\nSummary");
const order = (r: Result) => STEPS.findIndex((s) => s.name === r.name);
for (const r of [...results].sort((a, b) => order(a) - order(b))) {
  console.log(`  ${r.ok ? "✓" : r.skipped ? "-" : "✗"} ${r.name.padEnd(12)} ${r.skipped ? "skipped (depends on a failed step)" : `${r.seconds.toFixed(1)} s`}`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed; ${((performance.now() - startedAt) / 1000).toFixed(0)} s in all`);
process.exit(failed ? 1 : 0);
