import { randomUUID } from "node:crypto";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { sql } from "./support";

const TOKEN = process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token";

/** Console errors and warnings, and uncaught errors, of a page from now on. */
function consoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  return problems;
}

/** An Alertmanager v4 notification with one firing alert, posted to the portal's webhook as Alertmanager would. */
async function postAlert(page: Page, labels: Record<string, string>, summary: string, startsAt: Date) {
  const res = await page.request.post("/api/alerts/alertmanager", {
    headers: { authorization: `Bearer ${TOKEN}` },
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
}

test("from an Alertmanager alert to the first signed step of RB-CORE-004 in at most 3 clicks and under 20 s, provider prefilled, no console error", async ({ page }) => {
  const problems = consoleProblems(page);
  const name = `ProviderDown${randomUUID().slice(0, 8)}`;
  const summary = `Anthropic API unreachable (${name})`;
  const startsAt = new Date(Date.now() - 3 * 60_000);
  await postAlert(page, { alertname: name, severity: "critical", runbook: "RB-CORE-004", provider: "anthropic" }, summary, startsAt);

  let clicks = 0;
  const click = async (target: Locator) => {
    clicks++;
    await target.click();
  };
  const started = Date.now();
  await page.goto("/");
  // The start page shows the incident, and the nav counts it.
  const incident = page.getByTestId("home-incident").filter({ hasText: summary });
  await expect(incident).toContainText("P1");
  await expect(incident).toContainText("RB-CORE-004 Provider Outage");
  await expect(incident.getByTestId("home-incident-clock")).toContainText("/ 30 min");
  await expect(page.getByTestId("nav-badge-openIncidents")).toBeVisible();

  await click(incident.getByRole("button", { name: "Start RB-CORE-004 for this incident" }));
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").pop()!;
  // Step 2's parameters come filled in: the provider from the alert, marked as such.
  const failover = page.getByTestId("prefill-failover");
  await expect(failover).toContainText("provider = anthropic");
  await expect(failover).toContainText("from alert");
  // The alternate provider is proposed from the simulator's live provider health (RB-CORE-004's `propose:` rule).
  await expect(failover).toContainText(/alternateProvider = (openai|google)proposed from telemetry/);

  await click(page.getByRole("button", { name: "Sign off step 1" }));
  await expect(page.getByTestId("step-confirm-scope")).toContainText("done");
  const elapsed = Date.now() - started;

  expect(clicks).toBeLessThanOrEqual(3);
  expect(elapsed).toBeLessThan(20_000);
  // Step 2 is current now: its field holds the alert's provider, marked and editable.
  const provider = page.getByTestId("step-failover").locator('input[name="param.provider"]');
  await expect(provider).toHaveValue("anthropic");
  await expect(provider).toBeEditable();
  await expect(page.getByTestId("step-failover").getByTestId("prefill-source-provider")).toHaveText("from alert");
  // The run's clock counts from the alert's startsAt, not from the click.
  const run = await sql(`SELECT "detectedAt", "startedAt", "incidentId" FROM run WHERE id = $1`, [runId]);
  expect(new Date(run.rows[0].detectedAt).toISOString()).toBe(startsAt.toISOString());
  expect(run.rows[0].incidentId).not.toBeNull();

  expect(problems).toEqual([]);
  console.log(`alert → signed step 1: ${clicks} clicks, ${elapsed} ms`);
});

test("the start page lists what waits on me across runs, oldest first, and the nav counts it", async ({ page }) => {
  const problems = consoleProblems(page);
  // Two runs I can move on: the older one's step waits longer.
  const starts: string[] = [];
  for (const runbookId of ["RB-CORE-001", "RB-CORE-004"]) {
    const res = await page.request.post("/api/runs", { data: { runbookId } });
    expect(res.status()).toBe(201);
    starts.push(((await res.json()) as { data: { runId: string } }).data.runId);
  }
  await sql(`UPDATE step_state SET "currentSince" = now() - interval '20 minutes' WHERE "runId" = $1 AND position = 1`, [starts[1]]);
  await page.goto("/");
  const waiting = page.getByTestId("waiting-step");
  await expect(waiting.locator(`a[href^="/runs/${starts[0]}"]`)).toHaveText("RB-CORE-001 step 1: Triage");
  const hrefs = await waiting.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
  const older = hrefs.findIndex((h) => h.startsWith(`/runs/${starts[1]}#`));
  const newer = hrefs.findIndex((h) => h.startsWith(`/runs/${starts[0]}#`));
  expect(older).toBeGreaterThanOrEqual(0);
  expect(newer).toBeGreaterThan(older);
  await expect(page.getByTestId("nav-badge-waitingOnMe")).toContainText(String(hrefs.length));
  await expect(page.getByTestId("home-my-runs")).toContainText("RB-CORE-001 Flow Failure Response");
  expect(problems).toEqual([]);
});
