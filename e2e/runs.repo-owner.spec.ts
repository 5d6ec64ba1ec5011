import { expect, test } from "@playwright/test";

test("a repo owner sees no Start run button and the server refuses the start when called directly", async ({ page }) => {
  await page.goto("/runbooks/RB-CORE-001");
  await expect(page.getByRole("heading", { level: 1, name: "Flow Failure Response" })).toBeVisible();
  await expect(page.getByText(/Runs are started by/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Start run" })).toHaveCount(0);

  // The button's absence is a convenience: the server itself must refuse.
  const response = await page.request.post("/api/runs", { data: { runbookId: "RB-CORE-001" } });
  expect(response.status()).toBe(403);
  expect(await response.json()).toMatchObject({ ok: false, code: "FORBIDDEN" });

  // The refusal is on the record, and the repo owner sees (only) their own events.
  await page.goto("/audit");
  const refused = page.getByTestId("audit-row").filter({ hasText: "run.start" }).filter({ hasText: "refused" });
  await expect(refused.first()).toContainText("rui.costa@ops.example");
  await expect(page.getByTestId("audit-row").filter({ hasText: "sam.rivera@ops.example" })).toHaveCount(0);
});

test("a malformed start request from someone who may not start runs is refused for the permission, not the fields", async ({ page }) => {
  // The permission comes before the input (lib/actions/safe-action.ts): a refused caller learns nothing about the form.
  const response = await page.request.post("/api/runs", { data: { runbookId: 12 } });
  expect(response.status()).toBe(403);
  const body = await response.json();
  expect(body).toMatchObject({ ok: false, code: "FORBIDDEN" });
  expect(body.fieldErrors).toBeUndefined();
});
