import pg from "pg";
import fc from "fast-check";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { PEOPLE, pageAs, sql } from "./support";
import { databaseUrl } from "../tests/support/test-postgres";
import { auditEventsCases, exportCases, signHeadCases, startRunCases, stepCases, verdict, verifyHeadCases, webhookCases, type HttpCase } from "./fuzz-cases";

/**
 * Issue 15 item 7 over HTTP: 1,000 generated requests per JSON route, the Alertmanager webhook and the audit read
 * and export query strings (e2e/fuzz-cases.ts), sent by signed-in people (the webhook with its token). None gets a
 * 5xx; each malformed one gets a 4xx whose fieldErrors or message name the field; no table gains a row.
 */

/**
 * Requests per route. Over HTTP on two cores 1,000 per route took about 3 minutes, too much for every `npm test`:
 * the default is 250, and `E2E_FUZZ_RUNS=1000 npm run test:e2e -- e2e/fuzz.multi.spec.ts` runs the full count. The
 * same generated cases run 1,000 times per action through executeAction in tests/integration/fuzz-actions.test.ts.
 */
const RUNS = Number(process.env.E2E_FUZZ_RUNS ?? 250);

type Role = keyof typeof PEOPLE;
const EVERYONE = Object.keys(PEOPLE) as Role[];

const contexts = {} as Record<Role, APIRequestContext>;
let anonymous: APIRequestContext;
let db: pg.Client;

test.beforeAll(async ({ browser, playwright }) => {
  for (const role of EVERYONE) contexts[role] = (await pageAs(browser, role)).request;
  anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  db = new pg.Client({ connectionString: databaseUrl(process.env.PORTAL_TEST_PG_URL!, process.env.E2E_DB_NAME!) });
  await db.connect();
});

test.afterAll(async () => {
  await db?.end();
  await anonymous?.dispose();
  await Promise.all(EVERYONE.map((role) => contexts[role]?.dispose()));
});

/**
 * Rows in every table, leaving out what the portal's own background loops may write meanwhile (the relay's command
 * events, periodic chain heads, automatic escalations) and the rate-limit windows this file clears.
 */
async function footprint(): Promise<Record<string, number>> {
  const tables = (await sql(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)).rows.map((r) => r.t as string);
  const where: Record<string, string> = {
    audit_event: `WHERE "actorId" IS NOT NULL OR action IN ('http.anonymous_refused', 'incident.opened', 'alert.firing', 'alert.resolved', 'incident.resolved')`,
    chain_head: `WHERE reason <> 'periodic'`,
    notification: `WHERE coalesce(payload->>'automatic', 'false') <> 'true'`,
  };
  const counted = tables.filter((t) => t !== "rate_window");
  const { rows } = await sql(`SELECT ${counted.map((t) => `(SELECT count(*) FROM "${t}" ${where[t] ?? ""})::int AS "${t}"`).join(", ")}`);
  return rows[0];
}

/**
 * Sends RUNS generated requests, `chunk` at a time, round-robin across `people` (none: without a session), checks
 * each answer, and checks that no table gained a row.
 */
async function fuzz(cases: fc.Arbitrary<HttpCase>, people: Role[], chunk: number) {
  const seed = Date.now() % 2 ** 31;
  const sample = fc.sample(cases, { numRuns: RUNS, seed });
  const before = await footprint();
  const wrong: string[] = [];
  for (let i = 0; i < sample.length && wrong.length === 0; i += chunk) {
    // Each request counts against a per-person limit (120 actions, 10 exports, 3 chain requests a minute; the webhook
    // 120 per source). The windows are cleared between chunks, each small enough to stay within the limits, so a
    // thousand requests reach the input handling; the limits themselves are tested in tests/integration/rate-limit.test.ts.
    await db.query("DELETE FROM rate_window");
    await Promise.all(
      sample.slice(i, i + chunk).map(async (c, j) => {
        const api = people.length ? contexts[people[(i + j) % people.length]] : anonymous;
        const { method, path, headers, body } = c.request;
        // A Buffer goes out byte for byte (a string that is not JSON would be JSON-encoded under a JSON content type).
        const res = method === "GET" ? await api.get(path, { headers }) : await api.post(path, { headers, data: Buffer.from(body ?? "") });
        const text = await res.text();
        const problem = verdict(c, res.status(), text);
        if (problem) wrong.push(`seed ${seed}, case ${i + j}: ${problem}\n  ${method} ${path.slice(0, 300)} ${(body ?? "").slice(0, 300)}\n  → ${res.status()} ${text.slice(0, 300)}`);
      }),
    );
  }
  expect(wrong, wrong.join("\n")).toEqual([]);
  expect(await footprint()).toEqual(before);
}

// A thousand requests per test; generous, as the machine running the suite may be busy.
test.describe.configure({ timeout: 180_000 });

test(`POST /api/runs: ${RUNS} malformed bodies are refused naming the field; no run starts`, async () => {
  await fuzz(startRunCases, ["sre", "sre2", "incident-commander", "infosec", "engineering-tl"], 16);
});

test(`POST /api/runs/:id/steps/:stepId: ${RUNS} malformed requests are refused naming the field; no step changes`, async () => {
  await fuzz(stepCases, ["sre", "sre2", "incident-commander", "infosec", "engineering-tl", "business", "product", "repo-owner"], 16);
});

test(`POST /api/audit/heads: ${RUNS} malformed bodies are refused naming the note; no head is signed`, async () => {
  // Three people may sign, three requests each a minute: nine at a time.
  await fuzz(signHeadCases, ["auditor", "infosec", "incident-commander"], 9);
});

test(`POST /api/audit/heads/verify: ${RUNS} bodies that are no exported head are refused naming the head`, async () => {
  await fuzz(verifyHeadCases, EVERYONE, 16);
});

test(`POST /api/alerts/alertmanager (right token): ${RUNS} malformed payloads are refused naming the field; nothing is stored`, async () => {
  await fuzz(webhookCases, [], 16);
});

test(`GET /api/audit/events: ${RUNS} generated query strings; a bad filter is refused naming it, any other is answered`, async () => {
  await fuzz(auditEventsCases, ["auditor", "sre", "repo-owner"], 16);
});

test(`GET /api/audit/export: ${RUNS} bad query strings are refused naming the format or filter field; no export is recorded`, async () => {
  await fuzz(exportCases, EVERYONE, 16);
});
