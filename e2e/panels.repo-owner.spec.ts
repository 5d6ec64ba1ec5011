import { expect, test } from "@playwright/test";

test("a repo owner (no panels.view) is refused the panels: the page and the API", async ({ page }) => {
  const api = await page.request.get("/api/panels");
  expect(api.status()).toBe(403);
  expect(await api.json()).toEqual({ ok: false, code: "FORBIDDEN", message: "You do not have permission to do this." });
  await page.goto("/panels");
  await expect(page).toHaveURL(/\/forbidden$/);
});
