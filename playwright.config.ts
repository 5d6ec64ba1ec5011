import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";

/**
 * Browser tests against the production build (`next build` runs once, in `npm test`, before this).
 * Debian's /usr/bin/chromium where it exists (closed networks, no browser downloads); Playwright's own elsewhere.
 */
const port = process.env.E2E_PORT ?? "3123";
process.env.E2E_SIMULATOR_PORT ??= "3124";
process.env.E2E_DB_NAME ??= `e2e_${Date.now().toString(36)}`;
const baseURL = `http://127.0.0.1:${port}`;
/**
 * The runner self-test (tests/self-test/check-runners.ts) runs Playwright, with this configuration and its web
 * server, on one fixture that fails on purpose. Fixtures (*.pw-fixture.ts) live outside testDir and match no
 * project; only PORTAL_SELF_TEST_FIXTURE puts one in, with a global set-up that can throw.
 */
const fixture = process.env.PORTAL_SELF_TEST_FIXTURE;

/** Saved sessions; E2E_AUTH_DIR keeps parallel test runs (each with its own AUTH_SECRET) apart. */
export const AUTH_DIR = process.env.E2E_AUTH_DIR ?? "e2e/.auth";
const signedInAs = (role: string) => ({ storageState: `${AUTH_DIR}/${role}.json` });

/**
 * `npm test` runs the suite as two Playwright runs side by side (scripts/test-all.ts): PORTAL_E2E_GROUP=shared is
 * every project that uses the one shared portal (the web server below, one worker: its tests share a database, a
 * simulator and rate windows); PORTAL_E2E_GROUP=own is the projects whose tests start their own portals, with no
 * shared web server. Unset, both run here, one after the other.
 */
const group = process.env.PORTAL_E2E_GROUP as "shared" | "own" | undefined;
const sharedProjects = [
  { name: "setup", testMatch: /auth\.setup\.ts/ },
  { name: "sre", testMatch: /\.sre\.spec\.ts/, dependencies: ["setup"], use: signedInAs("sre") },
  { name: "repo-owner", testMatch: /\.repo-owner\.spec\.ts/, dependencies: ["setup"], use: signedInAs("repo-owner") },
  { name: "auditor", testMatch: /\.auditor\.spec\.ts/, dependencies: ["setup"], use: signedInAs("auditor") },
  { name: "anonymous", testMatch: /\.anonymous\.spec\.ts/ },
  // A phone (390×844 CSS pixels, touch) in Chromium, as the seeded SRE. Layout is in CSS pixels; a device pixel
  // ratio of 3 would only multiply the raster work by nine.
  { name: "phone", testMatch: /\.phone\.spec\.ts/, dependencies: ["setup"], use: { ...signedInAs("sre"), viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true } },
  // Several people at once: each test opens one browser context per person from the saved sessions.
  { name: "multi-role", testMatch: /\.multi\.spec\.ts/, dependencies: ["setup"] },
];
const ownServerProjects = [
  // Single sign-on against a real OpenID provider; each file starts its own provider and portal.
  { name: "sso", testMatch: /\.sso\.spec\.ts/ },
  // Two replicas on one database and one simulator (e2e/replicas/cluster.ts starts them).
  { name: "replicas", testMatch: /\.replicas\.spec\.ts/ },
  // The container image's standalone server, started as its CMD starts it.
  { name: "standalone", testMatch: /\.standalone\.spec\.ts/ },
  // Operating the built server: /metrics, health, a graceful stop; each file starts its own portal.
  { name: "operations", testMatch: /\.ops\.spec\.ts/ },
];
function projectsOf(g: typeof group) {
  return g === "shared" ? sharedProjects : g === "own" ? ownServerProjects : [...sharedProjects, ...ownServerProjects];
}

export default defineConfig({
  testDir: fixture ? path.dirname(fixture) : "e2e",
  ...(fixture ? { globalSetup: "tests/self-test/fixtures/global-hooks.ts" } : {}),
  outputDir: process.env.E2E_OUTPUT_DIR ?? "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  // Browser tests walk whole flows with several people on a two-core machine that also runs the portal, PostgreSQL
  // and Chromium: 60 s keeps the longest single-timeout flows under half their timeout with a CPU hog beside them.
  timeout: 60_000,
  expect: { timeout: 7_000 },
  reporter: [
    ["list"],
    ...(process.env.CI ? [] : [["html", { open: "never", outputFolder: group ? `playwright-report/${group}` : "playwright-report" }] as const]),
    // `npm test` lists the slowest tests against their timeouts from this (scripts/test-all.ts).
    ...(process.env.PORTAL_TIMINGS_DIR ? [["json", { outputFile: path.join(process.env.PORTAL_TIMINGS_DIR, `e2e-playwright-${group ?? "all"}.json`) }] as const] : []),
  ],
  use: {
    baseURL,
    ...devices["Desktop Chrome"],
    launchOptions: chromiumLaunchOptions,
    // A trace is recorded for every test even when it is kept only for failures: it cost a quarter of the browser
    // tests' CPU (171 against 121 CPU-seconds for the same four files; docs/benchmarks.md, "CI budget"), and CI keeps
    // only the printed output. E2E_TRACE=1 records them, for a failure to be read in `npx playwright show-trace`.
    trace: process.env.E2E_TRACE === "1" ? "retain-on-failure" : "off",
    screenshot: "only-on-failure",
  },
  projects: fixture ? [{ name: "self-test", testMatch: path.basename(fixture) }] : projectsOf(group),
  // The self-test starts the portal only for the fixtures that open a page (PORTAL_SELF_TEST_SERVER=1).
  webServer: (fixture && !process.env.PORTAL_SELF_TEST_SERVER) || group === "own" ? undefined : {
    command: "npx tsx scripts/e2e-server.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { E2E_PORT: port, E2E_DB_NAME: process.env.E2E_DB_NAME, E2E_SIMULATOR_PORT: process.env.E2E_SIMULATOR_PORT },
    stdout: "ignore",
    stderr: "pipe",
  },
});
