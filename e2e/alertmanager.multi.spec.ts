import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { stopProcess } from "../tests/support/stop-process";
import { pageAs, sql } from "./support";

const BINARY = ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"].find((p) => existsSync(p));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

test.describe("a real Alertmanager delivers to the portal", () => {
  test.skip(!BINARY && !process.env.CI, "Debian's prometheus-alertmanager is not installed (CI installs it)");
  let am: ChildProcess | undefined;
  let dir: string;
  let amUrl: string;

  test.beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "alertmanager-"));
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    const portal = `http://127.0.0.1:${process.env.E2E_PORT ?? "3123"}/api/alerts/alertmanager`;
    writeFileSync(
      path.join(dir, "alertmanager.yml"),
      `route:
  receiver: portal
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: portal
    webhook_configs:
      - url: ${portal}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token"}
`,
    );
    am = spawn(BINARY!, [`--config.file=${dir}/alertmanager.yml`, `--storage.path=${dir}/data`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="], { stdio: "ignore" });
    await expect.poll(async () => (await fetch(`${amUrl}/-/ready`).catch(() => null))?.status ?? 0, { timeout: 15_000 }).toBe(200);
  });

  test.afterAll(async () => {
    // Alertmanager writes its silences and notification log into the data directory as it stops: wait for it to
    // exit before removing the directory (removing it at once failed a CI run with ENOTEMPTY).
    if (am) await stopProcess(am);
    rmSync(dir, { recursive: true, force: true });
  });

  test("an alert labelled runbook=RB-CORE-003 opens one incident with it suggested; resends add nothing; the resolve marks it", async ({ browser }) => {
    test.setTimeout(60_000);
    const alert = {
      labels: { alertname: "OpenAIQuotaNearBreaker", provider: "openai", severity: "warning", runbook: "RB-CORE-003" },
      annotations: { summary: "OpenAI token usage above 85 % of today's quota" },
      startsAt: new Date().toISOString(),
    };
    const post = (body: unknown) => fetch(`${amUrl}/api/v2/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await post([alert])).status).toBe(200);

    const incidentId = await expect
      .poll(async () => (await sql(`SELECT id FROM incident WHERE title = $1`, [alert.annotations.summary])).rows[0]?.id ?? null, { timeout: 15_000 })
      .not.toBeNull()
      .then(async () => (await sql(`SELECT id FROM incident WHERE title = $1`, [alert.annotations.summary])).rows[0].id as string);

    const sre = await pageAs(browser, "sre");
    await sre.goto(`/incidents/${incidentId}`);
    await expect(sre.getByTestId("suggested-runbook")).toContainText("RB-CORE-003 Rate Limit Exhaustion");
    await expect(sre.getByTestId("incident-alerts")).toContainText("OpenAIQuotaNearBreaker");

    // Alertmanager resends the group every 2 s; the portal keeps one incident and one alert.
    await sre.waitForTimeout(5_000);
    expect((await sql(`SELECT count(*) FROM incident WHERE title = $1`, [alert.annotations.summary])).rows[0].count).toBe("1");
    expect((await sql(`SELECT count(*) FROM alert WHERE "incidentId" = $1`, [incidentId])).rows[0].count).toBe("1");
    expect((await sql(`SELECT count(*) FROM audit_event WHERE action = 'alert.firing' AND "targetId" = $1`, [incidentId])).rows[0].count).toBe("1");

    expect((await post([{ ...alert, endsAt: new Date().toISOString() }])).status).toBe(200);
    await expect(sre.getByTestId("incident-status")).toHaveText("resolved", { timeout: 15_000 });
  });
});

test("the webhook refuses a wrong token (401) and a malformed payload (400), storing nothing", async ({ request }) => {
  const before = (await sql(`SELECT count(*) FROM alert`)).rows[0].count;
  const wrong = await request.post("/api/alerts/alertmanager", { headers: { authorization: "Bearer nope" }, data: { version: "4" } });
  expect(wrong.status()).toBe(401);
  const bad = await request.post("/api/alerts/alertmanager", { headers: { authorization: `Bearer ${process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token"}` }, data: { version: "4", groupKey: "g", status: "firing", receiver: "r", alerts: [] } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).message).toMatch(/at least one alert/);
  expect((await sql(`SELECT count(*) FROM alert`)).rows[0].count).toBe(before);
  // A wrong token is not a person's act: at most one summary event per source per minute (lib/http/anonymous-refusals.ts).
  expect(Number((await sql(`SELECT count(*) FROM audit_event WHERE action = 'http.anonymous_refused' AND details->>'endpoint' = 'POST /api/alerts/alertmanager'`)).rows[0].count)).toBeGreaterThan(0);
});
