import { expect, test } from "@playwright/test";

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
