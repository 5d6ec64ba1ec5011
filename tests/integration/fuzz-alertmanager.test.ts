/**
 * Fuzzing the Alertmanager webhook (issue 15, item 7) through its route handler, with the right bearer token:
 * 1,000 malformed bodies get a 4xx whose message names the field and store nothing; well-formed notifications with
 * NUL, lone surrogates, `__proto__` labels, huge annotations and odd dates are stored without a 500.
 */
import { describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { NextRequest } from "next/server";

const TOKEN = "fuzz-alertmanager-token";
process.env.ALERTMANAGER_WEBHOOK_TOKEN = TOKEN;
vi.mock("server-only", () => ({}));
// The webhook authenticates by token, never by session; this keeps next-auth out of the test.
vi.mock("@/lib/auth/session", () => ({ currentActor: async () => null }));

import { POST } from "@/app/api/alerts/alertmanager/route";
import { verifyChain } from "@/lib/audit/log";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { alertFieldWrong, notAPayload, notification, payloadFieldWrong, type WebhookCase } from "../support/fuzz-alertmanager";
import { fuzzDatabase } from "../support/fuzz-database";

// Hundreds of generated requests per test: 2-12 s on an idle machine, 30 s and more when the two cores are saturated.
vi.setConfig({ testTimeout: 120_000 });

const RUNS = 1_000;

// Every call counts against the webhook's limit (120 a minute per source): the windows are cleared before each test
// and every 100 calls.
const { client, clearRateWindows, footprint } = fuzzDatabase();

let calls = 0;
async function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: { message?: string; ok?: boolean } }> {
  const res = await POST(
    new NextRequest("http://portal.test/api/alerts/alertmanager", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers }, body }),
  );
  if (++calls % 100 === 0) await clearRateWindows();
  return { status: res.status, json: await res.json() };
}

// ---- the tests ---------------------------------------------------------------------------------------------------

describe(`the Alertmanager webhook, fuzzed: ${RUNS.toLocaleString("en")} malformed bodies get a 4xx naming the field and store nothing`, () => {
  // Split so each test stays well inside the timeout on a busy machine: 250 + 250 + 300 + 200 bodies.
  const batches: [string, fc.Arbitrary<WebhookCase>, number][] = [
    ["one payload field wrong (a wrong type, a repeated fingerprint, a missing field…)", payloadFieldWrong, 250],
    ["one field of an alert wrong", alertFieldWrong, 250],
    ["one field wrong, of the payload or an alert", fc.oneof(payloadFieldWrong, alertFieldWrong), 300],
    ["no payload at all: other JSON, 20,000 levels of nesting, not JSON, text/plain, over 1 MiB", notAPayload, 200],
  ];
  for (const [what, cases, runs] of batches) {
    it(`${runs}: ${what}`, async () => {
      const before = await footprint();
      await fc.assert(
        fc.asyncProperty(cases, async ({ body, headers, status, names }) => {
          const res = await post(body, headers);
          expect(status, JSON.stringify(res.json).slice(0, 300)).toContain(res.status);
          expect(res.json.message).toContain(names);
        }),
        { numRuns: runs },
      );
      expect(await footprint()).toEqual(before);
    });
  }
  if (batches.reduce((n, [, , runs]) => n + runs, 0) !== RUNS) throw new Error("the batches must add up to RUNS");
});

describe("the Alertmanager webhook, fuzzed: well-formed notifications", () => {
  it("well-formed notifications with NUL, lone surrogates, __proto__ labels and 100 KB annotations are stored, never a 500", async () => {
    const before = await footprint();
    await fc.assert(
      // Bodies over the webhook's cap are refused with 413 before they are read (tested with the malformed ones);
      // here the content is what is fuzzed, so the notification must fit (100 K lone surrogates are 600 KB as JSON).
      fc.asyncProperty(notification(true).filter((p) => Buffer.byteLength(JSON.stringify(p)) <= BODY_LIMITS.webhook), async (payload) => {
        const res = await post(JSON.stringify(payload));
        expect(res.status, res.json.message).toBe(200);
        expect(res.json.ok).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect((await footprint()).alert).toBeGreaterThan(before.alert);
    expect(await verifyChain(client())).toMatchObject({ ok: true });
  });
});
