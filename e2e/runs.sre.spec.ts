import { expect, test } from "@playwright/test";

test("an SRE starts a run of RB-CORE-001 from the index and finds its audit event with the chain verified", async ({ page }) => {
  await page.goto("/runbooks");
  await page.getByTestId("runbook-results").getByRole("link", { name: "RB-CORE-001" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Flow Failure Response" })).toBeVisible();

  await page.getByRole("button", { name: "Start run" }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").pop()!;
  await expect(page.getByRole("heading", { level: 1 })).toContainText("RB-CORE-001");
  await expect(page.getByTestId("run-started-by")).toHaveText("Sam Rivera");
  await expect(page.locator('[aria-current="step"]')).toContainText("Triage");

  await page.getByRole("link", { name: "Audit", exact: true }).click();
  const row = page.getByTestId("audit-row").filter({ hasText: "run.start" }).filter({ hasText: `run ${runId.slice(0, 8)}` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("allowed");
  await expect(row).toContainText("sam.rivera@ops.example");
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
});

test("the shell shows the person, their roles and the areas, and the theme choice survives a reload", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("signed-in-name")).toHaveText("Sam Rivera");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const area of ["Runbooks", "Incidents", "Panels", "Onboarding", "Audit"]) await expect(nav).toContainText(area);

  const html = page.locator("html");
  const wasDark = (await html.getAttribute("class"))?.includes("dark") ?? false;
  await page.getByRole("button", { name: wasDark ? "Switch to light theme" : "Switch to dark theme" }).click();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
  await page.reload();
  await expect(html).toHaveClass(wasDark ? /^(?!.*dark)/ : /dark/);
});

test("a malformed start request from someone who may start runs gets 400 with field errors", async ({ page }) => {
  const response = await page.request.post("/api/runs", { data: { runbookId: 12 } });
  expect(response.status()).toBe(400);
  const body = await response.json();
  expect(body.fieldErrors.runbookId).toBeDefined();
});
