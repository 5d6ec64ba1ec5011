import { expect, test, type Request } from "@playwright/test";

/**
 * A page view costs the server one page render, not one per link on it.
 *
 * Next's <Link> prefetches every link that scrolls into view, and every page here is rendered per request (nonce
 * CSP), so each prefetch was a full server render: the start page asked for 31 of them (every nav link and runbook
 * link, twice, as a refresh of the router state prefetched them all again), and /incidents, which then refreshed
 * its server rendering every 3 s, asked again on each refresh. On a phone that is megabytes of payload nobody opened; on the server it
 * was 25 renders for each page someone looked at. The portal's links (components/ui/link.tsx) do not prefetch.
 */
const PAGES = ["/", "/runbooks", "/runbooks/RB-CORE-004", "/incidents", "/panels", "/onboarding", "/audit"];

/** Requests for a page's server rendering (a document or an RSC payload), not for scripts, styles or JSON. */
const rendering = (r: Request) => r.resourceType() === "document" || Boolean(r.headers()["rsc"]);

test("a page view asks the server for its own page only: no prefetched pages, also across a live refresh", async ({ page }) => {
  test.setTimeout(60_000);
  const asked: string[] = [];
  page.on("request", (r) => {
    if (rendering(r)) asked.push(`${new URL(page.url()).pathname} → ${r.headers()["next-router-prefetch"] ? "prefetch " : ""}${new URL(r.url()).pathname}`);
  });
  for (const path of PAGES) {
    asked.length = 0;
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    // /incidents keeps itself live by reading its board as JSON every 3 s, not by rendering the page again.
    await page.waitForTimeout(path === "/incidents" ? 3_500 : 1_000);
    const others = asked.filter((a) => !a.endsWith(`→ ${path}`));
    expect(others, `${path} made the server render other pages`).toEqual([]);
    expect(asked.length, `${path}: ${asked.join(", ")}`).toBeLessThanOrEqual(1);
  }
});

test("links still navigate without prefetching: one rendering of the page clicked", async ({ page }) => {
  await page.goto("/");
  const asked: string[] = [];
  page.on("request", (r) => {
    if (rendering(r)) asked.push(new URL(r.url()).pathname);
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runbooks" }).first().click();
  await page.waitForURL("/runbooks");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Runbooks/);
  expect(asked).toEqual(["/runbooks"]);
});

test("a link shows it is on its way from the click until its page arrives", async ({ page }) => {
  await page.goto("/");
  // A slow network: the page clicked takes 1.5 s to come.
  await page.route(/\/runbooks(\?|$)/, async (route) => {
    await new Promise((r) => setTimeout(r, 1_500));
    await route.continue();
  });
  const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /^Runbooks/ }).first();
  await link.click();
  await expect(link.getByTestId("link-pending")).toBeVisible({ timeout: 1_000 });
  await page.waitForURL("/runbooks");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Runbooks/);
  await expect(page.getByTestId("link-pending")).toHaveCount(0);
});
