import { expect, test } from "@playwright/test";
import { PEOPLE, signInAs, sql } from "./support";

test("an anonymous visitor is sent to sign-in and comes back where they were going", async ({ page }) => {
  await page.goto("/audit");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faudit/);
  await page.getByRole("button", { name: /^Sign in as Ada Mensah/ }).click();
  await page.waitForURL("/audit");
  await expect(page.getByTestId("chain-status")).toContainText("Chain verified");
});

test("anonymous API calls are refused", async ({ request }) => {
  expect((await request.post("/api/runs", { data: { runbookId: "RB-CORE-001" } })).status()).toBe(401);
  expect((await request.get("/api/me")).status()).toBe(401);
});

test("sign-out ends the session", async ({ page }) => {
  await signInAs(page, PEOPLE["engineering-tl"]);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/signin/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
});

test("a disabled person is signed out on their next request", async ({ page }) => {
  await signInAs(page, PEOPLE.business);
  await sql("UPDATE person SET disabled = true WHERE email = $1", [PEOPLE.business.email]);
  try {
    await page.goto("/");
    await expect(page).toHaveURL(/\/signin\?error=disabled/);
    await expect(page.getByRole("alert").filter({ hasText: "disabled" })).toContainText("Your account has been disabled");
    // The session cookie is gone and the person is no longer offered.
    expect((await page.request.get("/api/me")).status()).toBe(401);
    await expect(page.getByRole("button", { name: /^Sign in as Ben Ortiz/ })).toHaveCount(0);
  } finally {
    await sql("UPDATE person SET disabled = false WHERE email = $1", [PEOPLE.business.email]);
  }
});

test("health reports the database and responses carry the security headers", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: "ok", database: { status: "up" } });

  const page = await request.get("/signin");
  const h = page.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["strict-transport-security"]).toBeUndefined();
  const overTls = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(overTls.headers()["strict-transport-security"]).toContain("max-age=");
});
