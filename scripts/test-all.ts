/**
 * `npm test`: every check, in order, sized for a 2-core machine — typecheck, lint, runbook validation, unit tests,
 * integration tests against one embedded PostgreSQL (a fresh database per test file), one production build, the
 * runner self-test (each runner must fail on fixtures that fail on purpose) and the Playwright browser tests against
 * the build. `--only a,b` runs a subset (names below).
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { startTestPostgres } from "../tests/support/test-postgres";
import { freePort } from "./lib/ports";
import { printSlowest, readTimings } from "./lib/timings";

// Every test's duration and timeout go to test-results/timings; the summary lists the slowest against their timeouts.
const TIMINGS_DIR = "test-results/timings";
const TIMED = ["--reporter=default", "--reporter=./tests/support/timing-reporter.ts"];

type Step = { name: string; cmd: string[]; needsPg?: boolean; after?: string };
const STEPS: Step[] = [
  { name: "typecheck", cmd: ["npx", "tsc", "--noEmit"] },
  { name: "lint", cmd: ["npx", "eslint", "--max-warnings", "0", "."] },
  { name: "runbooks", cmd: ["npx", "tsx", "scripts/runbooks-check.ts"] },
  { name: "unit", cmd: ["npx", "vitest", "run", "--project", "unit", ...TIMED] },
  { name: "integration", cmd: ["npx", "vitest", "run", "--project", "integration", ...TIMED], needsPg: true },
  { name: "build", cmd: ["npx", "next", "build"] },
  // Each runner, on fixtures that fail on purpose, must exit non-zero (tests/self-test/check-runners.ts).
  { name: "self-test", cmd: ["npx", "tsx", "tests/self-test/check-runners.ts"], needsPg: true, after: "build" },
  { name: "e2e", cmd: ["npx", "playwright", "test"], needsPg: true, after: "build" },
];

// Anything after the options goes to Playwright, e.g. `--only build,e2e e2e/drill.multi.spec.ts`.
const { values, positionals } = parseArgs({ options: { only: { type: "string" } }, allowPositionals: true });
const only = values.only?.split(",").map((s) => s.trim());
const steps = only ? STEPS.filter((s) => only.includes(s.name)) : STEPS;
if (only && steps.length !== only.length) {
  console.error(`Unknown step in --only (known: ${STEPS.map((s) => s.name).join(", ")})`);
  process.exit(2);
}

function run(cmd: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", PORTAL_TIMINGS_DIR: TIMINGS_DIR };
rmSync(TIMINGS_DIR, { recursive: true, force: true });
let pg: Awaited<ReturnType<typeof startTestPostgres>> | undefined;
const results: { name: string; ok: boolean; seconds: number; skipped?: boolean }[] = [];

try {
  for (const step of steps) {
    if (step.after && results.some((r) => r.name === step.after && !r.ok)) {
      results.push({ name: step.name, ok: false, seconds: 0, skipped: true });
      continue;
    }
    if (step.needsPg && !pg) {
      pg = await startTestPostgres();
      env.PORTAL_TEST_PG_URL = pg.adminUrl;
      env.E2E_PORT = String(await freePort());
      env.E2E_SIMULATOR_PORT = String(await freePort());
    }
    console.log(`\n▶ ${step.name}: ${step.cmd.join(" ")}`);
    const started = performance.now();
    const code = await run(step.name === "e2e" ? [...step.cmd, ...positionals] : step.cmd, env);
    results.push({ name: step.name, ok: code === 0, seconds: (performance.now() - started) / 1000 });
  }
} finally {
  await pg?.stop();
}

printSlowest(readTimings(TIMINGS_DIR), 10);

console.log("\nSummary");
for (const r of results) console.log(`  ${r.ok ? "✓" : r.skipped ? "-" : "✗"} ${r.name.padEnd(12)} ${r.skipped ? "skipped (depends on a failed step)" : `${r.seconds.toFixed(1)} s`}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
