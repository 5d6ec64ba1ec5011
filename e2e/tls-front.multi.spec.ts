import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { PEOPLE, signInAs } from "./support";

/**
 * Issue 15 item 8 over real TLS: the portal behind a TLS-terminating proxy, as in production (the proxy here is a
 * few lines of Node with a certificate made by openssl; it passes Host on and adds X-Forwarded-Proto: https, as
 * nginx or a load balancer does). Signing in through it must set the `__Secure-` session cookie with Secure,
 * HttpOnly and SameSite=Lax; that cookie must work for pages and the JSON API; and HSTS must be sent.
 */

let front: https.Server;
let dir: string;
let frontUrl: string;

test.beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "portal-tls-front-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const upstream = new URL(test.info().project.use.baseURL!);
  front = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    const headers = { ...req.headers, "x-forwarded-proto": "https", "x-forwarded-for": req.socket.remoteAddress ?? "" };
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on("error", () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => front?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("behind HTTPS, the session cookie is __Secure- with Secure, HttpOnly and SameSite=Lax, and HSTS is sent", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: frontUrl, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const signinPage = await page.goto("/signin");
  expect(signinPage?.headers()["strict-transport-security"]).toMatch(/max-age=\d{7,}/);

  await signInAs(page, PEOPLE.sre);
  const cookies = await context.cookies(frontUrl);
  const session = cookies.filter((c) => c.name.includes("authjs.session-token"));
  expect(session.map((c) => c.name)).toEqual(["__Secure-authjs.session-token"]);
  expect(session[0]).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax" });

  // The __Secure- cookie is the one the proxy and the API read: the person is signed in through both.
  const me = await page.request.get("/api/me");
  expect(me.status()).toBe(200);
  expect((await me.json()).email).toBe(PEOPLE.sre.email);
  await page.goto("/runbooks/RB-CORE-005");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Security Incident");

  await context.close();
});
