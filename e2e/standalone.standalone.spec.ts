import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDb } from "../lib/db";
import { seedDatabase } from "../prisma/seed-db";
import { freePort } from "../scripts/lib/ports";
import { startSimulator, type SimulatorHandle } from "../simulator/server";
import { assertLocal, createTestDatabase, uniqueDatabaseName } from "../tests/support/test-postgres";
import { stopProcess } from "../tests/support/stop-process";
import { untilReady } from "../tests/support/until-ready";
import { PEOPLE } from "./support";

/**
 * The container image's server, without a container runtime (issue 17, item 4): the build `npm test` made is
 * assembled by the same script the Dockerfile runs (scripts/assemble-standalone.mjs), then started the way the
 * image's CMD starts it — `node server.js` in that directory, with PORT and HOSTNAME — and used in a browser.
 */

test.describe.configure({ mode: "serial" });

let server: ChildProcess;
let simulator: SimulatorHandle;
let url: string;
let output = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const adminUrl = process.env.PORTAL_TEST_PG_URL;
  if (!adminUrl) throw new Error("PORTAL_TEST_PG_URL is not set: run the browser tests through `npm test` or `npm run test:e2e`.");
  assertLocal(adminUrl);
  const dir = execFileSync(process.execPath, ["scripts/assemble-standalone.mjs", process.env.NEXT_DIST_DIR ?? ".next"], { encoding: "utf8" }).trim();
  const databaseUrl = await createTestDatabase(adminUrl, uniqueDatabaseName("standalone"));
  const client = createDb(databaseUrl);
  await seedDatabase(client);
  await client.$disconnect();
  simulator = await startSimulator({ seed: 5 });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // Only what the image's environment would hold: no inherited NODE_OPTIONS or test settings.
  server = spawn(process.execPath, ["server.js"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      CONTROL_PLANE_URL: simulator.url,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      AUDIT_HMAC_KEY: randomBytes(32).toString("base64url"),
      AUTH_TRUST_HOST: "true",
      PORTAL_DEV_SIGN_IN: "force",
      LOG_LEVEL: "warn",
    },
  });
  server.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`The standalone server exited (${server.exitCode}):\n${output}`);
    if (await fetch(`${url}/api/health/live`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`The standalone server did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(path.basename(dir)).toBe("standalone");
});

test.afterAll(async () => {
  if (server) await stopProcess(server);
  await simulator?.stop();
});

test("the image's server serves the portal: health, static assets, sign-in, the prerendered index, runbooks and a run", async ({ browser }) => {
  // Live is not ready: a cold process's first database query can outlast the readiness probe's 2 s on a saturated
  // machine (a CI run got one 503 right after "live"). An orchestrator probes until ready; so does this test, for
  // up to 30 s, and says why if it never is.
  const ready = await untilReady(() => fetch(`${url}/api/health/ready`), { withinMs: 30_000, everyMs: 500 });
  expect(ready.status, await ready.text()).toBe(200);
  const context = await browser.newContext({ baseURL: url });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("response", (r) => {
    if (r.url().includes("/_next/static/") && r.status() !== 200) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto("/signin");
  // The page's own scripts are served: the assembly copied .next/static (without them nothing on a page works).
  const script = await page.locator('script[src*="/_next/static/"]').first().getAttribute("src");
  expect((await fetch(new URL(script!, url))).status, `${script}: the assembly must copy .next/static`).toBe(200);
  await page.getByRole("button", { name: new RegExp(`^Sign in as ${PEOPLE.sre.name}`) }).click();
  await page.waitForURL(`${url}/`);
  // The prerendered index: the server finds the build's script hashes from its own working directory, so the
  // page's scripts run under its CSP (the search filters; a blocked script would also be a console error).
  await page.goto("/runbooks");
  await page.getByRole("searchbox").first().fill("RB-CORE-005");
  await expect(page.getByTestId("runbook-row")).toHaveCount(1);
  await page.goto("/runbooks/RB-CORE-001");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Flow Failure Response");
  // The runbooks are read from the server's working directory: the assembly copied them.
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await page.locator('[aria-current="step"]').getByRole("button", { name: "Sign off step 1" }).click();
  await expect(page.getByText(/Signed off by Sam Rivera/).first()).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
  expect(output).not.toMatch(/"level":"error"/);
});

test("SIGTERM stops the image's server cleanly and promptly", async () => {
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
  server.kill("SIGTERM");
  const code = await exited;
  // Next's own handler ends the process with 143 (128 + SIGTERM), after lib/shutdown.ts let deliveries finish.
  expect([0, 143]).toContain(code);
  expect(Date.now() - started).toBeLessThan(15_000);
});
