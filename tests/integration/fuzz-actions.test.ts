/**
 * Fuzzing every action (issue 15, item 7): for each definition made with defineAction/defineSqlAction, 1,000
 * generated malformed inputs (wrong types, hostile and huge strings, deep nesting, `__proto__` keys, repeated and
 * unknown form fields) from a person allowed to act must come back as INVALID naming the field and write nothing;
 * well-formed inputs carrying NUL, lone surrogates and 100 KB strings must never fail as INTERNAL.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";

process.env.AUDIT_HMAC_KEY = "fuzz-audit-key-0123456789abcdef";
vi.mock("server-only", () => ({}));

import { executeAction } from "@/lib/actions/safe-action";
import type { ActionResult } from "@/lib/actions/result";
import { verifyChain } from "@/lib/audit/log";
import { exportHead } from "@/lib/audit/heads";
import { can } from "@/lib/auth/permissions";
import type { Actor } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import * as accessActions from "@/lib/access/actions";
import * as auditActions from "@/lib/audit/actions";
import * as incidentActions from "@/lib/incidents/actions";
import * as onboardingActions from "@/lib/onboarding/actions";
import { ONBOARDING_FORM } from "@/lib/onboarding/test-fixtures";
import * as runActions from "@/lib/runs/actions";
import * as startRun from "@/lib/runs/start-run";
import { asForm, formNoise, malformed } from "../support/fuzz-action-inputs";
import { SPECS, type Fixtures, type Who } from "../support/fuzz-action-specs";
import { actorByEmail, useFreshDatabase } from "./db";
import { footprint as countRows, tablesOf } from "../support/footprint";

// Hundreds of generated requests per test: 2-12 s on an idle machine, 30 s and more when the two cores are saturated.
vi.setConfig({ testTimeout: 120_000 });

const RUNS = 1_000;
const HOSTILE_RUNS = 120;

// ---- the database ------------------------------------------------------------------------------------------------

let client: Db;
let people: Record<Who, Actor>;
let fx: Fixtures;
let tables: string[];

/** Rows in every table of the schema (the audit chain included). */
function footprint(): Promise<Record<string, number>> {
  return countRows(client, tables);
}

beforeAll(async () => {
  ({ client } = await useFreshDatabase({ seed: true }));
  people = {
    sre: await actorByEmail(client, "sam.rivera@ops.example"),
    ic: await actorByEmail(client, "ines.carter@ops.example"),
    owner: await actorByEmail(client, "rui.costa@ops.example"),
    auditor: await actorByEmail(client, "ada.mensah@ops.example"),
    infosec: await actorByEmail(client, "omar.haddad@ops.example"),
  };
  tables = await tablesOf(client);
  const ok = <T,>(r: ActionResult<T>): T => {
    if (!r.ok) throw new Error(`fixture: ${r.code} ${r.message}`);
    return r.data;
  };
  const start = async () => ok(await executeAction(startRun.startRunAction, people.sre, { runbookId: "RB-CORE-001" })).runId;
  const [liveRun, skippable, abortable, endedRun] = [await start(), await start(), await start(), await start()];
  ok(await executeAction(runActions.abortRunAction, people.ic, { runId: endedRun, reason: "ended for the RCA fuzz" }));
  const incident = ok(await executeAction(incidentActions.declareIncidentAction, people.sre, { title: "Fuzzing incident", severity: "P2" })).incidentId;
  const onboarding = ok(
    await executeAction(onboardingActions.requestOnboardingAction, people.owner, {
      ...ONBOARDING_FORM,
      repoName: "fuzz-target",
      repoUrl: "https://github.com/acme/fuzz-target",
      ownerContacts: "rui@ops.example",
      alertContacts: "#payments-alerts",
    }),
  ).onboardingId;
  const signed = ok(await executeAction(auditActions.signHeadAction, people.auditor, {}));
  if (!signed.signed) throw new Error("fixture: head not signed");
  const person = ok(await executeAction(accessActions.addPersonAction, people.infosec, { email: "fuzz.target@ops.example", name: "Fuzz Target", roles: ["SRE"] })).personId;
  const accessRequest = ok(await executeAction(accessActions.grantRoleAction, people.infosec, { personId: person, role: "AUDITOR" })).requestId!;
  fx = { person, accessRequest, liveRun, skippable, abortable, endedRun, incident, onboarding, headJson: JSON.stringify(exportHead({ ...signed.head, id: BigInt(signed.head.id!), seq: BigInt(signed.head.seq), at: new Date(signed.head.at!), reason: signed.head.reason! })) };
}, 60_000);

afterAll(async () => {
  await client?.$disconnect();
});

// ---- the tests ---------------------------------------------------------------------------------------------------

describe("every action is in the fuzz table", () => {
  it("each defineAction/defineSqlAction in lib/ and app/ is exported and listed here", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const files = ["lib", "app"]
      .flatMap((dir) => readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" }).map((f) => path.join(dir, f)))
      .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && f !== path.join("lib", "actions", "safe-action.ts") && !f.startsWith(path.join("lib", "generated")));
    const listed = new Set(Object.values(SPECS).map((s) => s.def as unknown));
    const found: string[] = [];
    for (const file of files) {
      const source = readFileSync(path.join(root, file), "utf8");
      const defined = (source.match(/\bdefine(?:Sql)?Action\s*\(/g) ?? []).length;
      if (defined === 0) continue;
      const mod = (await import(path.join(root, file))) as Record<string, unknown>;
      const exported = Object.entries(mod).filter(([, v]) => v && typeof v === "object" && "schema" in v && "permission" in v && "run" in v);
      expect(exported.length, `${file} defines ${defined} action(s) but exports ${exported.length}: export each so it is fuzzed`).toBe(defined);
      for (const [name, def] of exported) {
        expect(listed.has(def), `${file}: ${name} is not in SPECS of tests/support/fuzz-action-specs.ts`).toBe(true);
        found.push(name);
      }
    }
    expect(found.sort()).toEqual(Object.keys(SPECS).sort());
  });
});

describe(`${RUNS.toLocaleString("en")} malformed inputs per action: INVALID naming the field, nothing written`, () => {
  for (const [name, s] of Object.entries(SPECS)) {
    it(name, async () => {
      const before = await footprint();
      const actor = people[s.who];
      await fc.assert(
        fc.asyncProperty(malformed(s), async ({ input, expect: fields }) => {
          const result = await executeAction(s.def, actor, input);
          expect(result.ok ? "ok" : result.code).toBe("INVALID");
          if (result.ok) return;
          const keys = Object.keys(result.fieldErrors ?? {});
          expect(keys.some((k) => fields.some((f) => k === f || k.startsWith(`${f}.`))), `fieldErrors ${JSON.stringify(result.fieldErrors)} name none of ${fields.join(", ")}`).toBe(true);
          expect(result.message).toMatch(/^Some fields need attention/);
        }),
        { numRuns: RUNS },
      );
      expect(await footprint()).toEqual(before);
    });
  }
});

describe(`well-formed input with NUL, lone surrogates and huge strings (${HOSTILE_RUNS} per action, 40 where the chain is walked; half as forms): never INTERNAL`, () => {
  for (const [name, s] of Object.entries(SPECS)) {
    it(name, async () => {
      const actor = people[s.who];
      const input = fc.tuple(s.hostile(fx), fc.boolean(), formNoise).map(([value, asFormData, noise]) => (asFormData && s.form ? asForm(value, [["__proto__", "x"], ...noise]) : value));
      await fc.assert(
        fc.asyncProperty(input, async (value) => {
          const result = await executeAction(s.def, actor, value);
          if (result.ok) return;
          expect(result.code, result.message).not.toMatch(/^(INTERNAL|UNAVAILABLE)$/);
          expect(result.message.length).toBeGreaterThan(0);
          if (result.code === "INVALID") expect(Object.keys(result.fieldErrors ?? {}).length).toBeGreaterThan(0);
        }),
        { numRuns: s.hostileRuns ?? HOSTILE_RUNS },
      );
    });
  }

  it("the chain still verifies after all of it", async () => {
    expect(await verifyChain(client)).toMatchObject({ ok: true });
  });
});

describe("callers who may not act", () => {
  it("malformed input from someone without the permission is FORBIDDEN (the permission comes first), and writes only the refusal", async () => {
    const before = await footprint();
    const business = await actorByEmail(client, "ben.ortiz@ops.example");
    const forbidden = Object.keys(SPECS).filter((name) => !can(business, SPECS[name].def.permission));
    expect(forbidden.length).toBeGreaterThan(5);
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forbidden).chain((name) => malformed(SPECS[name]).map((c) => ({ name, c }))), async ({ name, c }) => {
        calls++;
        const result = await executeAction(SPECS[name].def, business, c.input);
        expect(result.ok ? "ok" : result.code).toBe("FORBIDDEN");
      }),
      { numRuns: 300 },
    );
    const after = await footprint();
    const grew = Object.fromEntries(Object.keys(after).filter((t) => after[t] !== before[t]).map((t) => [t, after[t] - before[t]]));
    expect(grew).toEqual({ audit_event: calls });
  });

  it("without a session: UNAUTHENTICATED, and at most one summary event (and its rate window) for the minute", async () => {
    const before = await footprint();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(SPECS)).chain((name) => malformed(SPECS[name]).map((c) => ({ name, c }))), async ({ name, c }) => {
        const result = await executeAction(SPECS[name].def, null, c.input);
        expect(result.ok ? "ok" : result.code).toBe("UNAUTHENTICATED");
      }),
      { numRuns: 300 },
    );
    const after = await footprint();
    const grew = Object.fromEntries(Object.keys(after).filter((t) => after[t] !== before[t]).map((t) => [t, after[t] - before[t]]));
    // One window spans at most two minutes' summaries if the minute turned during the run.
    expect(Object.keys(grew).every((t) => t === "audit_event" || t === "rate_window"), JSON.stringify(grew)).toBe(true);
    expect(grew.audit_event ?? 0).toBeLessThanOrEqual(2);
  });
});
