import { expect, test } from "@playwright/test";
import { pageAs, sql } from "./support";

/** Issue 15's perimeter: forged requests, outsiders and oversized bodies get nowhere and change nothing. */

const runCount = async () => Number((await sql("SELECT count(*) FROM run")).rows[0].count);
const chainLength = async () => Number((await sql("SELECT count(*) FROM audit_event")).rows[0].count);

test("a cross-site request riding on a signed-in person's cookie is refused and starts nothing", async ({ browser }) => {
  const sre = await pageAs(browser, "sre");
  const before = await runCount();

  // The classic form-post CSRF: text/plain from another site, which needs no CORS preflight.
  const textPlain = await sre.request.post("/api/runs", {
    headers: { origin: "https://evil.example", "content-type": "text/plain" },
    data: JSON.stringify({ runbookId: "RB-CORE-001" }),
  });
  expect(textPlain.status()).toBe(403);
  expect((await textPlain.json()).code).toBe("FORBIDDEN_ORIGIN");

  // A sibling subdomain (SameSite=Lax lets its requests carry the cookie), with Origin and without.
  const sibling = await sre.request.post("/api/runs", { headers: { origin: "https://evil.127.0.0.1.nip.io" }, data: { runbookId: "RB-CORE-001" } });
  expect(sibling.status()).toBe(403);
  const sameSite = await sre.request.post("/api/runs", { headers: { "sec-fetch-site": "same-site" }, data: { runbookId: "RB-CORE-001" } });
  expect(sameSite.status()).toBe(403);

  // The step route (approve included) and the audit routes have the same check.
  const step = await sre.request.post("/api/runs/00000000-0000-4000-8000-000000000000/steps/triage", { headers: { origin: "https://evil.example" }, data: { op: "approve" } });
  expect(step.status()).toBe(403);
  const verify = await sre.request.post("/api/audit/verify", { headers: { origin: "https://evil.example" } });
  expect(verify.status()).toBe(403);

  expect(await runCount()).toBe(before);

  // The same person from the portal's own origin gets through.
  const own = await sre.request.post("/api/runs", { headers: { origin: new URL(test.info().project.use.baseURL!).origin }, data: { runbookId: "RB-CORE-001" } });
  expect(own.status()).toBe(201);
  await sre.context().close();
});

test("JSON routes take only JSON (415) and only small bodies (413, before reading the rest)", async ({ browser }) => {
  const sre = await pageAs(browser, "sre");
  const before = await runCount();
  const text = await sre.request.post("/api/runs", { headers: { "content-type": "text/plain" }, data: '{"runbookId":"RB-CORE-001"}' });
  expect(text.status()).toBe(415);
  expect((await text.json()).message).toMatch(/Content-Type: application\/json/);

  const twentyMegabytes = JSON.stringify({ runbookId: "RB-CORE-001", note: "x".repeat(20 * 1024 * 1024) });
  const big = await sre.request.post("/api/runs", { headers: { "content-type": "application/json" }, data: twentyMegabytes });
  expect(big.status()).toBe(413);
  expect((await big.json()).message).toMatch(/larger than this endpoint accepts/);
  expect(await runCount()).toBe(before);
  await sre.context().close();
});

test("anonymous requests are refused without filling the audit chain: 30 POSTs add at most 2 events", async ({ playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const before = await chainLength();
  for (let i = 0; i < 30; i++) {
    // Each with a different X-Forwarded-For: inventing addresses must not buy fresh audit events.
    const res = await anonymous.post("/api/runs", { headers: { "x-forwarded-for": `203.0.113.${i}` }, data: { runbookId: "RB-CORE-001" } });
    expect(res.status()).toBe(401);
  }
  expect((await chainLength()) - before).toBeLessThanOrEqual(2);
  const summary = await sql(`SELECT details FROM audit_event WHERE action = 'http.anonymous_refused' ORDER BY seq DESC LIMIT 1`);
  expect(summary.rows[0].details).toMatchObject({ source: "direct", endpoint: "POST /api/runs" });
  await anonymous.dispose();
});

test("a forged session cookie does not open a runbook page: it is sent to sign-in", async ({ browser }) => {
  const context = await browser.newContext();
  const baseURL = test.info().project.use.baseURL!;
  await context.addCookies([{ name: "authjs.session-token", value: "x", url: baseURL }]);
  const page = await context.newPage();
  await page.goto("/runbooks/RB-CORE-005");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Frunbooks%2FRB-CORE-005/);
  await expect(page.getByText(/rotate/i)).toHaveCount(0);
  await context.close();
});

test("a server action posted from another origin is refused by Next's own check, and changes nothing", async ({ browser }) => {
  const sre = await pageAs(browser, "sre");
  await sre.goto("/runbooks/RB-CORE-001");
  // Capture the real server-action request the "Start run" button sends, then replay it from another origin.
  const sent = sre.waitForRequest((r) => r.method() === "POST" && Boolean(r.headers()["next-action"]));
  await sre.getByRole("button", { name: "Start run" }).click();
  const original = await sent;
  await sre.waitForURL(/\/runs\//);
  const before = await runCount();
  const headers = { ...original.headers(), origin: "https://evil.example" };
  delete (headers as Record<string, string>)["content-length"];
  const replay = await sre.request.post(original.url(), { headers, data: original.postDataBuffer() ?? undefined, maxRedirects: 0 });
  expect(replay.status()).toBeGreaterThanOrEqual(400);
  expect(await runCount()).toBe(before);
  await sre.context().close();
});
