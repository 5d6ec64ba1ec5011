import { expect, test, type Locator, type Page } from "@playwright/test";

/**
 * On a slow phone the page is on screen, and takes typing, seconds before its scripts run. What someone typed or
 * chose in that time must still be there, and count, once React takes the page over. React leaves the typed value in
 * a field it controls, but the state behind the field keeps the server's value unless the component reads the field
 * (lib/client/typed-before-hydration.ts): the search box said "429" over all ten runbooks.
 */

/** Opens `path` with its scripts held back, lets `act` type into the server's HTML, then lets the scripts in. */
async function beforeHydration(page: Page, path: string, field: Locator, act: () => Promise<unknown>) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  // Scripts only: the styles sit in the same folder, and the browser holds the page's parsing until they come.
  const script = (u: URL) => u.pathname.startsWith("/_next/static/chunks/") && u.pathname.endsWith(".js");
  await page.route(script, async (route) => {
    await released;
    await route.continue();
  });
  await page.goto(path, { waitUntil: "commit" });
  await expect(field).toBeVisible();
  expect(await hydrated(field), "hydrated before the scripts were let in").toBe(false);
  await act();
  release();
  // React marks each element it has taken over with its fiber.
  await expect.poll(() => hydrated(field), { timeout: 20_000 }).toBe(true);
  await page.unroute(script);
}

const hydrated = (field: Locator) => field.evaluate((el) => Object.keys(el).some((k) => k.startsWith("__reactFiber")));

test("the runbook search keeps what was typed before the page's scripts ran, and filters by it", async ({ page }) => {
  const search = page.getByRole("searchbox");
  await beforeHydration(page, "/runbooks", search, () => search.fill("429"));
  await expect(search).toHaveValue("429");
  await expect(page.getByTestId("runbook-row").first()).toHaveAttribute("data-runbook", "RB-CORE-003");
});

test("the runbook filters keep a severity chosen before the page's scripts ran", async ({ page }) => {
  const severity = page.getByLabel("Severity");
  await beforeHydration(page, "/runbooks", severity, () => severity.selectOption("CRITICAL"));
  await expect(severity).toHaveValue("CRITICAL");
  await expect(page.getByTestId("runbook-row")).toHaveCount(2);
});

test("the onboarding request keeps a phase chosen before the page's scripts ran", async ({ page }) => {
  const phase = page.getByTestId("onboarding-request-form").getByLabel("Target phase");
  await beforeHydration(page, "/onboarding/new", phase, () => phase.selectOption("PHASE_7"));
  await expect(phase).toHaveValue("PHASE_7");
  // The form's own hints follow the choice, not the default the server rendered.
  await expect(page.locator("#targetPhase-hint")).toHaveText("Phase 7: capacity for 50+ repos.");
});

test("the search keeps what was typed before the scripts ran over a link's filters, and the address follows it", async ({ page }) => {
  const search = page.getByRole("searchbox");
  await beforeHydration(page, "/runbooks?severity=HIGH", search, () => search.fill("rollback"));
  await expect(search).toHaveValue("rollback");
  await expect(page.getByLabel("Severity")).toHaveValue("HIGH");
  await expect(page.getByTestId("runbook-row").first()).toHaveAttribute("data-runbook", "RB-LAUNCH-002");
  await expect(page).toHaveURL(/\?q=rollback&severity=HIGH$/);
});

test("a review's outcome chosen before the page's scripts ran opens the field it needs", async ({ page }) => {
  const form = page.getByTestId("record-review");
  const changelog = form.getByRole("radio", { name: "Change-log entry" });
  await beforeHydration(page, "/runbooks/RB-CORE-002", changelog, () => changelog.check());
  await expect(changelog).toBeChecked();
  await expect(form.getByLabel("Entry this review led to")).toBeVisible();
});
