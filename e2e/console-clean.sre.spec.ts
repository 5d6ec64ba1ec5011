import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";

const TOKEN = process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token";
const HYDRATION = /hydrat|Minified React error #(418|423|425)|did not match/i;

test("no page logs a hydration error, even when its scripts arrive seconds after its HTML; /favicon.ico exists", async ({ page }) => {
  // Nine pages, each hydrating at least 1.2 s late: about 30 s on an idle machine, twice that beside a benchmark.
  test.setTimeout(120_000);
  // Browsers ask for /favicon.ico on every page that names no icon; the layout names one (app/icon.svg).
  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  await page.goto("/runbooks");
  const href = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(href).toBeTruthy();
  expect((await page.request.get(href!)).status()).toBe(200);

  // Live clocks are what differed between server and browser: an open incident and a run in progress put them on the pages.
  const name = `HydrationProbe${randomUUID().slice(0, 8)}`;
  const alert = await page.request.post("/api/alerts/alertmanager", {
    headers: { authorization: `Bearer ${TOKEN}` },
    data: {
      version: "4",
      groupKey: `{}:{alertname="${name}"}`,
      status: "firing",
      receiver: "portal",
      commonLabels: { alertname: name, runbook: "RB-CORE-004", provider: "openai" },
      commonAnnotations: { summary: `Probe ${name}` },
      alerts: [{ status: "firing", labels: { alertname: name }, annotations: {}, startsAt: new Date(Date.now() - 90_000).toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: name }],
    },
  });
  expect(alert.status()).toBe(200);
  const incidentId = ((await alert.json()) as { incidentIds: string[] }).incidentIds[0];
  const run = await page.request.post("/api/runs", { data: { runbookId: "RB-CORE-004", incidentId } });
  expect(run.status()).toBe(201);
  const runId = ((await run.json()) as { data: { runId: string } }).data.runId;

  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && HYDRATION.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => {
    if (HYDRATION.test(e.message)) errors.push(`${page.url()}: ${e.message}`);
  });
  // One script of each page arrives 1.2 s after the HTML, as on a slow phone connection: hydration waits for it, so a
  // clock the server rendered is then more than a second behind the browser's.
  let slowNext = false;
  await page.route("**/_next/static/chunks/**", async (route) => {
    if (slowNext) {
      slowNext = false;
      await new Promise((r) => setTimeout(r, 1_200));
    }
    await route.continue();
  });

  for (const path of ["/", "/incidents", `/incidents/${incidentId}`, `/runs/${runId}`, "/runbooks", "/runbooks/RB-CORE-004", "/panels", "/onboarding", "/audit"]) {
    slowNext = true;
    await page.goto(path, { waitUntil: "load" });
    // Hydration runs once the scripts are in; its errors are reported right after.
    await page.waitForTimeout(1_000);
  }
  expect(errors).toEqual([]);
});
