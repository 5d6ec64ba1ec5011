import { expect, test } from "@playwright/test";

test("the panels API answers 401 to someone not signed in", async ({ request }) => {
  const res = await request.get("/api/panels");
  expect(res.status()).toBe(401);
});
