/**
 * Fuzzing the audit log's query strings (issue 15, item 7): the filter and cursors of GET /api/audit/events and
 * of the audit page (parseAuditQuery), and the export's (GET /api/audit/export), each through its real code with a
 * signed-in person. Generated query strings carry wrong values, NUL, lone surrogates, broken percent-escapes,
 * repeated and unknown keys. A bad filter is refused with 400 naming the field and nothing written; a good one,
 * however hostile its text, is answered (and an export streams to its end) without a 500.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { NextRequest } from "next/server";

const session = vi.hoisted(() => ({ actor: null as import("@/lib/auth/roles").Actor | null }));
vi.mock("server-only", () => ({}));
vi.mock("@/lib/auth/session", () => ({ currentActor: async () => session.actor }));

import { GET as listEvents } from "@/app/api/audit/events/route";
import { GET as exportEvents } from "@/app/api/audit/export/route";
import { executeAction } from "@/lib/actions/safe-action";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { listAuditEvents } from "@/lib/data/audit";
import type { Actor } from "@/lib/auth/roles";
import { parseAuditQuery } from "@/lib/validation/audit";
import { auditQuery, exportQuery } from "../support/fuzz-audit-query";
import { actorByEmail } from "./db";
import { fuzzDatabase } from "../support/fuzz-database";

// Hundreds of generated requests per test: 2-12 s on an idle machine, 30 s and more when the two cores are saturated.
vi.setConfig({ testTimeout: 120_000 });

const RUNS = 1_000;

// The export's rate limit (10 a minute per person) counts every call: its windows are cleared as it goes.
const { client, clearRateWindows, footprint } = fuzzDatabase();
let auditor: Actor;
let sre: Actor;

beforeAll(async () => {
  auditor = await actorByEmail(client(), "ada.mensah@ops.example");
  sre = await actorByEmail(client(), "sam.rivera@ops.example");
  // Some events with text to search, by someone whose own-actions view is not empty.
  for (const title of ["Billing API flow failures", "Checkout latency \u0000 spike", "Search indexer stuck"]) await executeAction(declareIncidentAction, sre, { title, severity: "P2" });
});

const namesExactly = (fieldErrors: Record<string, unknown>, expected: string[]) => {
  const keys = Object.keys(fieldErrors);
  for (const k of expected) expect(keys, `fieldErrors ${JSON.stringify(fieldErrors)} should name ${k}`).toContain(k);
  // Only the bad fields are named ("to" as well when both dates are given and one is bad).
  for (const k of keys) expect([...expected, "to"]).toContain(k);
};

// ---- the tests ---------------------------------------------------------------------------------------------------

describe(`GET /api/audit/events: ${RUNS.toLocaleString("en")} generated query strings`, () => {
  it("a bad filter or cursor is refused with 400 naming it; any other is answered; nothing is written", async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(auditQuery(), fc.constantFrom("auditor", "sre"), async (q, who) => {
        session.actor = who === "auditor" ? auditor : sre;
        const res = await listEvents(new NextRequest(`http://portal.test/api/audit/events?${q.text}`));
        const body = await res.json();
        if (q.invalid.length) {
          expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(400);
          expect(body.message).toMatch(/filters need attention/);
          namesExactly(body.fieldErrors, q.invalid);
        } else {
          expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200);
          expect(Array.isArray(body.events)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(await footprint()).toEqual(before);
  });
});

describe(`the audit page's search parameters: ${RUNS.toLocaleString("en")} generated`, () => {
  it("parseAuditQuery names each bad field; a good filter reads a page without an error", async () => {
    await fc.assert(
      fc.asyncProperty(auditQuery(), async (q) => {
        // As Next hands them to the page: repeated keys as arrays.
        const params: Record<string, string | string[]> = {};
        for (const [k, v] of new URLSearchParams(q.text)) params[k] = k in params ? ([] as string[]).concat(params[k], v) : v;
        const { filter, cursor } = parseAuditQuery(params);
        const issues = [...(filter.error?.issues ?? []), ...(cursor.error?.issues ?? [])];
        namesExactly(Object.fromEntries(issues.map((i) => [String(i.path[0]), i.message])), q.invalid);
        if (filter.success && cursor.success) await listAuditEvents(auditor, filter.data, cursor.data);
      }),
      { numRuns: RUNS },
    );
  });
});

describe(`GET /api/audit/export: ${RUNS.toLocaleString("en")} bad query strings, and good ones with hostile text`, () => {
  // Two halves of 500, so each stays well inside the timeout on a busy machine.
  for (const half of ["first", "second"]) {
    it(`a bad format or filter is refused with 400 naming it, and the export is not recorded (${half} 500)`, async () => {
      const before = await footprint();
      session.actor = auditor;
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(exportQuery(true), async (q) => {
          if (++calls % 9 === 0) await clearRateWindows();
          const res = await exportEvents(new NextRequest(`http://portal.test/api/audit/export?${q.text}`));
          const body = await res.json();
          expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(400);
          expect(body.code).toBe("INVALID");
          const keys = Object.keys(body.fieldErrors ?? {});
          expect(keys.some((k) => q.invalid.includes(k)), `fieldErrors ${JSON.stringify(body.fieldErrors)} name none of ${q.invalid.join(", ")}`).toBe(true);
        }),
        { numRuns: RUNS / 2 },
      );
      expect(await footprint()).toEqual(before);
    });
  }

  it("a good filter with NUL, lone surrogates and LIKE wildcards exports to the end of the stream", async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(exportQuery(false), fc.constantFrom("auditor", "sre"), async (q, who) => {
        session.actor = who === "auditor" ? auditor : sre;
        if (++calls % 9 === 0) await clearRateWindows();
        const before = (await footprint()).audit_event;
        const res = await exportEvents(new NextRequest(`http://portal.test/api/audit/export?${q.text}`));
        const text = await res.text();
        expect(res.status, text.slice(0, 300)).toBe(200);
        expect(text.trim().split("\n").at(-1)).toMatch(/"type":"end"|""type"":""end""/);
        expect((await footprint()).audit_event).toBe(before + 1);
      }),
      { numRuns: 150 },
    );
  });
});
