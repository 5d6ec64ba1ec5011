import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { simulator } from "./support";

// The panel endpoint serves a snapshot cached for ~2 s and the page polls every 2 s: changes show within ~5 s.
const LIVE = { timeout: 12_000 };

async function clearSimulator() {
  await simulator("/admin/scenario", { method: "DELETE" });
  await simulator("/admin/faults", { method: "DELETE" });
}

// Start from a healthy control plane, and leave it as the other tests expect it.
test.beforeEach(clearSimulator);
test.afterEach(clearSimulator);

test("a provider outage shows live on the SLO panel (1 down: operational with failover; 2: degraded) and RB-CORE-004 starts with one click", async ({ page }) => {
  await page.goto("/panels");
  await expect(page.getByRole("heading", { level: 1, name: "Live panels" })).toBeVisible();
  const slo = page.getByTestId("slo-panel");
  await expect(slo.getByTestId("provider-tolerance")).toContainText("0 of 3 providers down");
  await expect(slo.getByTestId("offer-RB-CORE-004")).toHaveCount(0);

  await simulator("/admin/scenario", { body: { scenario: "provider-outage", count: 1 } });
  await expect(slo.getByTestId("provider-anthropic")).toContainText("down", LIVE);
  await expect(slo.getByTestId("provider-tolerance")).toContainText("operational with failover", LIVE);
  await expect(slo.getByTestId("provider-tolerance")).toContainText("1 of 3 providers down");
  await expect(slo.getByTestId("slo-status")).toContainText("crossed");
  await expect(slo.getByTestId("offer-RB-CORE-004")).toContainText("Anthropic is down: the orchestrator is operational with failover.");

  await simulator("/admin/scenario", { body: { scenario: "provider-outage", count: 2 } });
  await expect(slo.getByTestId("provider-tolerance")).toContainText("degraded", LIVE);
  await expect(slo.getByTestId("provider-tolerance")).toContainText("2 of 3 providers down");
  await expect(slo.getByTestId("provider-openai")).toContainText("down");
  await expect(slo.getByTestId("offer-RB-CORE-004")).toContainText("Anthropic and OpenAI are down: the orchestrator is degraded.");

  await slo.getByTestId("offer-RB-CORE-004").getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("RB-CORE-004");
  await expect(page.getByTestId("run-started-by")).toHaveText("Sam Rivera");
});

test("the panels say when their numbers are stale because the control plane stopped answering, and recover", async ({ page }) => {
  await page.goto("/panels");
  const budget = page.getByTestId("budget-panel");
  await expect(budget.getByTestId("budget-today")).toContainText("$");
  await expect(page.getByTestId("panels-stale")).toHaveCount(0);

  await simulator("/admin/faults", { body: { rules: [{ target: "telemetry", kind: "error", status: 503, probability: 1 }] } });
  await expect(page.getByTestId("panels-stale")).toContainText("Stale", LIVE);
  await expect(budget.getByTestId("budget-status")).toContainText("stale since");
  // The last good numbers stay on screen.
  await expect(budget.getByTestId("budget-today")).toContainText("$");

  await simulator("/admin/faults", { method: "DELETE" });
  await expect(page.getByTestId("panels-stale")).toHaveCount(0, LIVE);
  await expect(budget.getByTestId("budget-status")).not.toContainText("stale");
});

test("the charts are drawn with the page without Recharts, which loads only when interactive charts are asked for", async ({ page }) => {
  await page.goto("/panels");
  // One bar per day, one per provider, one point per recent flow; each with its value as a tooltip.
  const days = page.getByTestId("chart-budget-days").locator("[data-chart-mark]");
  await expect(days.first()).toBeAttached();
  expect(await days.count()).toBeGreaterThanOrEqual(7);
  await expect(days.first().locator("title")).toHaveText(/^\d\d-\d\d: \$[\d,.]+$/);
  await expect(page.getByTestId("chart-quota").locator("[data-chart-mark]")).toHaveCount(3);
  await expect(page.getByTestId("chart-quota")).toHaveAttribute("aria-label", /Anthropic \d+(\.\d)? %.*breaker trips at 85 %/);
  expect(await page.getByTestId("chart-slo-durations").locator("[data-chart-mark]").count()).toBeGreaterThan(0);
  await expect(page.locator(".recharts-wrapper")).toHaveCount(0);

  const toggle = page.getByRole("button", { name: "Interactive charts" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".recharts-wrapper").first()).toBeVisible();
  await expect(page.getByTestId("chart-quota")).toHaveCount(0);
  // The accessibility walk sees the light charts; the interactive ones are checked here.
  // Days, durations and quota are always drawn (the per-repo ones when a repo has spend or finished flows).
  await expect.poll(() => page.locator(".recharts-wrapper").count()).toBeGreaterThanOrEqual(3);
  const { violations } = await new AxeBuilder({ page }).include(".recharts-wrapper").analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes[0]?.target.join(" ")}`)).toEqual([]);
  // The choice is kept in this browser: after a reload the interactive charts are back, and off stays off.
  await page.reload();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".recharts-wrapper").first()).toBeVisible();
  await toggle.click();
  await expect(page.getByTestId("chart-quota").locator("[data-chart-mark]")).toHaveCount(3);
  await page.reload();
  await expect(page.getByTestId("chart-quota").locator("[data-chart-mark]")).toHaveCount(3);
  await expect(toggle).toHaveAttribute("aria-pressed", "false");
});

test("the page arrives with its numbers: the browser does not read them again while it starts, only with the 2 s refresh", async ({ page }) => {
  const reads: number[] = [];
  const start = Date.now();
  page.on("request", (r) => new URL(r.url()).pathname === "/api/panels" && reads.push(Date.now() - start));
  await page.goto("/panels");
  await expect(page.getByTestId("budget-panel")).toBeVisible();
  await page.waitForTimeout(1_000);
  expect(reads, "read again while the page started").toEqual([]);
  // The refresh still runs.
  await expect.poll(() => reads.length, { timeout: 6_000 }).toBeGreaterThan(0);
});
