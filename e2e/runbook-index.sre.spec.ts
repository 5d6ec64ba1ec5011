import { expect, test } from "@playwright/test";
import { recordLayoutShifts } from "./support";

test.beforeEach(async ({ page }) => {
  await page.goto("/runbooks");
  await expect(page.getByTestId("runbook-row")).toHaveCount(10);
});

test('searching "429" puts RB-CORE-003 first', async ({ page }) => {
  await page.getByRole("searchbox").fill("429");
  await expect(page.getByTestId("runbook-row").first()).toHaveAttribute("data-runbook", "RB-CORE-003");
  // The filtered view is in the URL, so it can be shared.
  await expect(page).toHaveURL(/\?q=429/);
});

test("the index reads its reviews and drills in one request, and the step text only once someone searches, then finds by it", async ({ context }) => {
  // A page of its own: the page beforeEach opened may still be starting, and its late read would be counted here
  // while the server answers the second visit (seen in CI on a loaded machine).
  const page = await context.newPage();
  const reads: string[] = [];
  page.on("request", (r) => new URL(r.url()).pathname.startsWith("/api/runbooks/") && reads.push(new URL(r.url()).pathname));
  await page.goto("/runbooks");
  await expect(page.getByTestId("review-schedule")).toHaveCount(10);
  await page.waitForTimeout(300);
  // On a phone each request started with the page costs main-thread time (docs/benchmarks.md, "Phone main thread").
  expect(reads, "reads before anyone searched").toEqual(["/api/runbooks/upkeep"]);
  // "backoff" is only in a step of RB-CORE-003: in no title, no when-to-use, no other runbook.
  await page.getByRole("searchbox").fill("backoff");
  await expect(page.getByTestId("runbook-row")).toHaveCount(1);
  await expect(page.getByTestId("runbook-row")).toHaveAttribute("data-runbook", "RB-CORE-003");
  expect(reads.filter((p) => p === "/api/runbooks/search-text")).toHaveLength(1);
});

test("filtering CRITICAL shows exactly RB-CORE-005 and RB-LAUNCH-005", async ({ page }) => {
  await page.getByLabel("Severity").selectOption("CRITICAL");
  const rows = page.getByTestId("runbook-row");
  await expect(rows).toHaveCount(2);
  expect((await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-runbook")))).sort()).toEqual(["RB-CORE-005", "RB-LAUNCH-005"]);
});

test("the by-category view groups launch and core runbooks", async ({ page }) => {
  await page.getByRole("button", { name: "By category" }).click();
  await expect(page.getByRole("heading", { name: "Launch operations" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Core operations" })).toBeVisible();
});

test("clicking RB-LAUNCH-004 in the dependency graph opens it, and its page shows the budget thresholds table", async ({ page }) => {
  await page.getByTestId("dependency-graph").getByRole("link", { name: /^RB-LAUNCH-004/ }).click();
  await expect(page).toHaveURL(/\/runbooks\/RB-LAUNCH-004$/);
  await expect(page.getByRole("heading", { level: 1, name: "Budget Breach" })).toBeVisible();
  const thresholds = page.getByRole("table").filter({ hasText: "Phase 6 Daily" });
  await expect(thresholds).toContainText("$35/day");
  await expect(thresholds).toContainText("$50/day");
  await expect(thresholds).toContainText("$75/day");
  await expect(thresholds).toContainText("$300/day");
  await expect(thresholds).toContainText("$450/day");
});

test("the index does not jump when its review dates and drills arrive after the page", async ({ page }) => {
  const layoutShift = await recordLayoutShifts(page);
  await page.goto("/runbooks");
  await expect(page.getByTestId("review-schedule")).toHaveCount(10);
  await page.waitForTimeout(500);
  expect(await layoutShift()).toBeLessThan(0.05);
});

test("what the index loads after the page is never answered from the browser's cache: a review or drill just finished shows at once", async ({ page }) => {
  const res = await page.request.get("/api/runbooks/upkeep");
  expect(res.status()).toBe(200);
  expect(res.headers()["cache-control"]).toContain("no-store");
});
