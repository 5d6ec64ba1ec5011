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
  // Every anonymous caller here is one source ("direct"), and an earlier test in the same minute (the webhook's
  // wrong token, say) may already have used that minute's summary: start this source's window afresh, so the
  // summary this test looks for is its own.
  await sql(`DELETE FROM rate_window WHERE key LIKE 'anonymous-refusal:%'`);
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

test("a forged session cookie does not open a runbook page: it is sent to sign-in", async ({ playwright, browser }) => {
  const baseURL = test.info().project.use.baseURL!;
  // The server's own answer, not what the browser ends up showing: the procedure must not be in any byte sent.
  const forged = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: "authjs.session-token=x" } });
  const res = await forged.get("/runbooks/RB-CORE-005", { maxRedirects: 0 });
  expect(res.status()).toBe(307);
  expect(res.headers().location).toMatch(/\/signin\?callbackUrl=%2Frunbooks%2FRB-CORE-005$/);
  expect(await res.text()).not.toMatch(/rotat/i);
  // A token made under another secret is as good as none.
  const sre = await pageAs(browser, "sre");
  const real = (await sre.context().cookies()).find((c) => c.name === "authjs.session-token")!;
  const tampered = real.value.slice(0, -4) + (real.value.endsWith("AAAA") ? "BBBB" : "AAAA");
  const other = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { cookie: `authjs.session-token=${tampered}` } });
  expect((await other.get("/runbooks/RB-CORE-005", { maxRedirects: 0 })).status()).toBe(307);
  // The genuine one still reads the page.
  expect((await sre.request.get("/runbooks/RB-CORE-005", { maxRedirects: 0 })).status()).toBe(200);
  await Promise.all([forged.dispose(), other.dispose(), sre.context().close()]);
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

test("pages carry a CSP without 'unsafe-inline' for scripts — a nonce per response, or the build's hashes on prerendered pages — and still run their scripts", async ({ browser }) => {
  const sre = await pageAs(browser, "sre");
  const violations: string[] = [];
  sre.on("console", (m) => m.type() === "error" && /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
  const scriptSrc = (csp: string) => csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
  const nonces: string[] = [];
  for (const path of ["/panels", "/runbooks/RB-CORE-005", "/"]) {
    const res = await sre.goto(path);
    const csp = res!.headers()["content-security-policy"];
    expect(scriptSrc(csp), path).not.toContain("'unsafe-inline'");
    expect(scriptSrc(csp), path).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}' .*'strict-dynamic'/);
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(res!.headers()["x-content-type-options"], path).toBe("nosniff");
    expect(res!.headers()["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    nonces.push(scriptSrc(csp));
  }
  expect(new Set(nonces).size, "a fresh nonce per response").toBe(nonces.length);

  // The runbook index (like /incidents) is prerendered: the same HTML for everyone, so its scripts are allowed by hash.
  const index = await sre.goto("/runbooks");
  const indexPolicy = scriptSrc(index!.headers()["content-security-policy"]);
  expect(indexPolicy).not.toContain("'unsafe-inline'");
  expect(indexPolicy).not.toContain("'nonce-");
  expect(indexPolicy.match(/'sha256-[A-Za-z0-9+/=]{44}'/g)!.length).toBeGreaterThanOrEqual(3);
  expect(index!.headers()["x-nextjs-cache"], "served as built").toBe("HIT");
  // Its search is client-side: it only filters if the page's scripts ran under the policy.
  await sre.getByRole("searchbox").first().fill("RB-CORE-005");
  await expect(sre.getByRole("link", { name: /RB-CORE-005/ }).first()).toBeVisible();
  expect(violations).toEqual([]);

  // Markup injected into either kind of page does not run: a script the build did not write, and one without the
  // response's nonce, are refused, while the page's own scripts still work.
  for (const path of ["/runbooks", "/panels"]) {
    let injected = 0;
    await sre.route(path, async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace("</head>", "<script>window.__injected = 1</script></head>");
      injected += html.includes("window.__injected") ? 1 : 0;
      await route.fulfill({ response: res, body: html });
    });
    violations.length = 0;
    await sre.goto(path);
    expect(injected, path).toBe(1);
    expect(await sre.evaluate(() => (window as { __injected?: number }).__injected), path).toBeUndefined();
    await expect.poll(() => violations.length, { message: `${path}: the browser reports the refused script` }).toBeGreaterThan(0);
    await expect(sre.getByTestId("signed-in-name")).toBeVisible();
    await sre.unroute(path);
  }
  await sre.context().close();
});

test("a prerendered page is refused, before it is served, to a role without its permission", async ({ browser }) => {
  // /incidents is prerendered, so no render checks incident.view: the proxy does (repo owners do not hold it).
  const owner = await pageAs(browser, "repo-owner");
  const res = await owner.request.get("/incidents", { maxRedirects: 0 });
  expect(res.status()).toBe(307);
  expect(res.headers().location).toMatch(/^(https?:\/\/[^/]+)?\/forbidden$/);
  expect((await owner.request.get("/api/incidents/board")).status()).toBe(403);
  const sre = await pageAs(browser, "sre");
  expect((await sre.request.get("/incidents", { maxRedirects: 0 })).status()).toBe(200);
  for (const p of [owner, sre]) await p.context().close();
});

test("HSTS is sent behind HTTPS only, and the session cookie is HttpOnly and SameSite=Lax", async ({ browser, playwright }) => {
  const api = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await api.get("/api/health")).headers()["strict-transport-security"]).toBeUndefined();
  expect((await api.get("/api/health", { headers: { "x-forwarded-proto": "https" } })).headers()["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
  await api.dispose();

  const sre = await pageAs(browser, "sre");
  const cookie = (await sre.context().cookies()).find((c) => c.name.endsWith("authjs.session-token"));
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  await sre.context().close();
});
