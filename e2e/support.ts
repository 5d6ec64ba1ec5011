import { randomUUID } from "node:crypto";
import pg from "pg";
import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { databaseUrl } from "../tests/support/test-postgres";

/** The seeded people the role projects sign in as. */
export const PEOPLE = {
  sre: { name: "Sam Rivera", email: "sam.rivera@ops.example" },
  sre2: { name: "Jordan Lee", email: "jordan.lee@ops.example" },
  "incident-commander": { name: "Ines Carter", email: "ines.carter@ops.example" },
  infosec: { name: "Omar Haddad", email: "omar.haddad@ops.example" },
  infosec2: { name: "Mei Tanaka", email: "mei.tanaka@ops.example" },
  "engineering-tl": { name: "Priya Natarajan", email: "priya.natarajan@ops.example" },
  business: { name: "Ben Ortiz", email: "ben.ortiz@ops.example" },
  product: { name: "Lena Fischer", email: "lena.fischer@ops.example" },
  "repo-owner": { name: "Rui Costa", email: "rui.costa@ops.example" },
  auditor: { name: "Ada Mensah", email: "ada.mensah@ops.example" },
} as const;

export async function signInAs(page: Page, person: { name: string }) {
  await page.goto("/signin");
  await page.getByRole("button", { name: new RegExp(`^Sign in as ${person.name}`) }).click();
  await page.waitForURL("/");
  await expect(page.getByTestId("signed-in-name")).toHaveText(person.name);
}

/** SQL against the portal's test database (local only), for set-up a person could not do through the UI. */
export async function sql(text: string, params: unknown[] = []) {
  const admin = process.env.PORTAL_TEST_PG_URL;
  if (!admin) throw new Error("PORTAL_TEST_PG_URL is not set");
  const client = new pg.Client({ connectionString: databaseUrl(admin, process.env.E2E_DB_NAME!) });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** The control-plane simulator behind the portal under test (admin API: scenarios, faults, effects). */
export const simulatorUrl = () => `http://127.0.0.1:${process.env.E2E_SIMULATOR_PORT ?? "3124"}`;

export async function simulator(path: string, init?: { method?: string; body?: unknown }) {
  const res = await fetch(`${simulatorUrl()}${path}`, {
    method: init?.method ?? (init?.body ? "POST" : "GET"),
    headers: init?.body ? { "content-type": "application/json" } : undefined,
    body: init?.body ? JSON.stringify(init.body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status}`);
  return res.json();
}

/** A page in a fresh browser context signed in as one of the saved role sessions (for tests with several people). */
export async function pageAs(browser: Browser, role: keyof typeof PEOPLE): Promise<Page> {
  const context = await browser.newContext({ storageState: `${process.env.E2E_AUTH_DIR ?? "e2e/.auth"}/${role}.json` });
  return context.newPage();
}

/** The text of a CSV export's comment line (meta or end): one quoted cell, `"# {…}"`, unquoted. */
export const csvComment = (line: string) => (line.startsWith('"') ? line.slice(1, -1).replaceAll('""', '"') : line);

/**
 * Records the page's layout shifts not caused by input, summed as the browser reports them (Cumulative Layout Shift),
 * from its next navigation on. Returns a function that reads the sum so far.
 */
export async function recordLayoutShifts(page: Page): Promise<() => Promise<number>> {
  await page.addInitScript(() => {
    const w = window as unknown as { shifted: number };
    w.shifted = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!e.hadRecentInput) w.shifted += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  return () => page.evaluate(() => (window as unknown as { shifted: number }).shifted);
}

/** Console errors and warnings, and uncaught errors, of a page from now on. */
export function consoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  return problems;
}

const ALERT_TOKEN = process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token";

/** An Alertmanager v4 notification with one firing alert, posted to the portal's webhook as Alertmanager would. */
export async function postAlert(page: Page, labels: Record<string, string>, summary: string, startsAt: Date) {
  const res = await page.request.post("/api/alerts/alertmanager", {
    headers: { authorization: `Bearer ${ALERT_TOKEN}` },
    data: {
      version: "4",
      groupKey: `{}:{alertname="${labels.alertname}"}`,
      status: "firing",
      receiver: "portal",
      groupLabels: { alertname: labels.alertname },
      commonLabels: labels,
      commonAnnotations: { summary },
      externalURL: "http://alertmanager.example",
      alerts: [{ status: "firing", labels, annotations: { summary }, startsAt: startsAt.toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: randomUUID().slice(0, 16) }],
    },
  });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { incidentIds: string[] }).incidentIds;
}

/** Clicks counted, for "within N clicks" promises. */
export function clickCounter() {
  const counter = {
    clicks: 0,
    click: async (target: Locator) => {
      counter.clicks++;
      await target.click();
    },
  };
  return counter;
}

/**
 * The alert-to-run walk of issue 16 from `/`: posts a `runbook=RB-CORE-004, provider=anthropic` alert, then starts the
 * run from the start page and signs step 1. Returns the clicks, the time from opening `/`, and the run's id.
 * `beforeSign` runs on the run page before the sign-off click (e.g. layout checks on a phone).
 */
export async function alertToSignedStep(page: Page, opts: { beforeSign?: (signOff: Locator) => Promise<void> } = {}) {
  const name = `ProviderDown${randomUUID().slice(0, 8)}`;
  const summary = `Anthropic API unreachable (${name})`;
  const startsAt = new Date(Date.now() - 3 * 60_000);
  await postAlert(page, { alertname: name, severity: "critical", runbook: "RB-CORE-004", provider: "anthropic" }, summary, startsAt);

  const counter = clickCounter();
  const click = counter.click;
  const started = Date.now();
  await page.goto("/");
  const incident = page.getByTestId("home-incident").filter({ hasText: summary });
  await expect(incident).toContainText("P1");
  await expect(incident).toContainText("RB-CORE-004 Provider Outage");
  await expect(incident.getByTestId("home-incident-clock")).toContainText("/ 30 min");

  await click(incident.getByRole("button", { name: "Start RB-CORE-004 for this incident" }));
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").pop()!;
  const failover = page.getByTestId("prefill-failover");
  await expect(failover).toContainText("provider = anthropic");
  await expect(failover).toContainText("from alert");

  const signOff = page.getByRole("button", { name: "Sign off step 1" });
  await opts.beforeSign?.(signOff);
  await click(signOff);
  await expect(page.getByTestId("step-confirm-scope")).toContainText("done");
  return { clicks: counter.clicks, elapsed: Date.now() - started, runId, startsAt, summary };
}

/** From RB-CORE-002's page: starts a run, signs step 1 and sends step 2's context-pruning command for reporting-etl; returns step 2. */
export async function startRunAndSendPrune(page: Page): Promise<Locator> {
  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await page.locator('[aria-current="step"]').getByRole("button", { name: "Sign off step 1" }).click();
  const prune = page.locator('[aria-current="step"]');
  await expect(prune).toContainText("Enable context pruning for the repo");
  await prune.getByLabel("repo").fill("reporting-etl");
  await prune.getByRole("button", { name: "Send command" }).click();
  return prune;
}
