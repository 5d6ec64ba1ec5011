/**
 * The authorization matrix (issue 14, item 4): every role, and nobody signed in, against every server action and
 * every route handler, checked against the one permission table (lib/auth/permissions.ts).
 *
 * The endpoints are found in the code, not listed by hand: every `route.ts` under app/ with its exported methods,
 * and every export of a `"use server"` module. Each must have a row in ENDPOINTS below, which says what the
 * endpoint needs (a permission of the table, any signed-in person, a bearer token, or nothing) and how to call it;
 * a new endpoint without a row, or a row without an endpoint, fails the first test.
 *
 * In every cell:
 * - a role the table refuses gets 403 (an action: FORBIDDEN), and exactly one refused audit event of that person
 *   names the permission;
 * - a role the table allows is not refused for that permission (it may still be refused for the object: a repo
 *   owner may not sign an SRE's step; those rules have their own tests, e.g. run-ownership.test.ts);
 * - nobody signed in gets 401 (UNAUTHENTICATED) and no individual audit event.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

process.env.AUDIT_HMAC_KEY = "authz-matrix-audit-key-0123456789abcdef";
vi.mock("server-only", () => ({}));
/** The person every call is made as: the session is the one thing the matrix replaces. */
const session = vi.hoisted(() => ({ actor: null as import("@/lib/auth/roles").Actor | null }));
vi.mock("@/lib/auth/session", () => ({
  currentActor: async () => session.actor,
  currentSession: async () => (session.actor ? { actor: session.actor } : { actor: null, reason: "signed-out" }),
}));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {}, refresh: () => {} }));

import { NextRequest } from "next/server";
import { executeAction } from "@/lib/actions/safe-action";
import { signHeadAction } from "@/lib/audit/actions";
import { PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { ROLES, type Actor, type Role } from "@/lib/auth/roles";
import type { Db } from "@/lib/db";
import { declareIncidentAction } from "@/lib/incidents/actions";
import { requestOnboardingAction } from "@/lib/onboarding/actions";
import { ONBOARDING_FORM } from "@/lib/onboarding/test-fixtures";
import { startRunAction } from "@/lib/runs/start-run";
import { actorByEmail, useFreshDatabase } from "./db";

vi.setConfig({ testTimeout: 120_000 });

const ROOT = path.resolve(import.meta.dirname, "../..");
const ORIGIN = "http://portal.test";

// ---- the endpoints, from the code ---------------------------------------------------------------------------------

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function files(dir: string, name: (f: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p, name) : name(e.name) ? [p] : [];
  });
}

/** "GET /api/runs/[id]" for app/api/runs/[id]/route.ts (route groups left out), from its exported methods. */
function routeEndpoints(): string[] {
  return files(path.join(ROOT, "app"), (f) => /^route\.(ts|tsx|js)$/.test(f)).flatMap((file) => {
    const source = readFileSync(file, "utf8");
    const url = "/" + path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join("/");
    return METHODS.filter((m) => new RegExp(`export\\s+(async\\s+)?(function\\s+${m}\\b|const\\s+${m}\\b)`).test(source)).map((m) => `${m} ${url}`);
  });
}

/** "action runs#signStep" for each export of a "use server" module (lib/next/actions/, or any under app/). */
function serverActionEndpoints(): string[] {
  return [path.join(ROOT, "app"), ACTIONS_DIR].flatMap((dir) =>
    files(dir, (f) => /\.(ts|tsx)$/.test(f)).flatMap((file) => {
      const source = readFileSync(file, "utf8");
      if (!/^\s*["']use server["']/.test(source)) return [];
      const where = path.relative(dir, file).replace(/\/actions\.tsx?$/, "").replace(/\.tsx?$/, "");
      return [...source.matchAll(/export\s+(?:async\s+)?function\s+(\w+)|export\s+const\s+(\w+)/g)].map((m) => `action ${where}#${m[1] ?? m[2]}`);
    }),
  );
}

// ---- the rows ----------------------------------------------------------------------------------------------------

type Fixture = { runId: string; incidentId: string; onboardingId: string; seq: string; headId: string; personId: string };
/** What a call came back with: an HTTP status, or an action's result code (OK for success). */
type Outcome = { status: number } | { code: string };
type Access =
  | { permission: Permission }
  /** Any signed-in person (no permission of the table). */
  | { signedIn: true }
  /** Not a person's session: a bearer token, or the sign-in machinery itself; `why` says what protects it. */
  | { open: string };
type Row = { access: Access; call?: (fx: Fixture) => Promise<Outcome> };

const APP = (p: string) => path.join(ROOT, "app", p);
const ACTIONS_DIR = path.join(ROOT, "lib", "next", "actions");

function request(method: string, url: string, body?: unknown): NextRequest {
  const headers: Record<string, string> = { origin: ORIGIN, host: new URL(ORIGIN).host, "sec-fetch-site": "same-origin" };
  if (body !== undefined) headers["content-type"] = "application/json";
  return new NextRequest(new URL(url, ORIGIN), { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

/** Calls a route handler as Next would: the request, and the dynamic segments as a promise. */
async function route(file: string, method: (typeof METHODS)[number], url: string, params: Record<string, string> = {}, body?: unknown): Promise<Outcome> {
  const mod = (await import(/* @vite-ignore */ APP(file))) as Record<string, (req: NextRequest, ctx: unknown) => Promise<Response>>;
  const res = await mod[method](request(method, url, body), { params: Promise.resolve(params) });
  await res.arrayBuffer();
  return { status: res.status };
}

/** Calls a server action as a form post would: (previous state, FormData). A redirect after success counts as OK. */
async function action(file: string, name: string, fields: Record<string, string | string[]>): Promise<Outcome> {
  const mod = (await import(/* @vite-ignore */ path.join(ACTIONS_DIR, file))) as Record<string, (prev: unknown, form: FormData) => Promise<{ ok: boolean; code?: string } | null>>;
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const one of ([] as string[]).concat(v)) form.append(k, one);
  try {
    const result = await mod[name](null, form);
    return { code: result?.ok ? "OK" : (result?.code ?? "NONE") };
  } catch (e) {
    if (String((e as { digest?: string }).digest ?? "").startsWith("NEXT_REDIRECT")) return { code: "OK" };
    throw e;
  }
}

const RUN_ACTIONS = "runs.ts";
const FIRST_STEP = "confirm-scope";
const HASH = "0".repeat(64);
const RCA = "# RCA\n\n## Summary\n\nThe provider was down for ten minutes.\n";

const ENDPOINTS: Record<string, Row> = {
  // Route handlers.
  "GET /signin/ended": { access: { open: "the page that says a session ended; shows no data" } },
  "GET /api/auth/[...nextauth]": { access: { open: "Auth.js sign-in flow (its own CSRF token, state, PKCE, nonce)" } },
  "POST /api/auth/[...nextauth]": { access: { open: "Auth.js sign-in flow, rate-limited per source" } },
  "POST /api/alerts/alertmanager": { access: { open: "bearer token ALERTMANAGER_WEBHOOK_TOKEN (alertmanager tests)" } },
  "GET /api/health": { access: { open: "health check; says nothing about data" } },
  "GET /api/health/live": { access: { open: "liveness for the orchestrator; says nothing about data" } },
  "GET /api/health/ready": { access: { open: "readiness for the orchestrator and load balancer; names no data" } },
  "GET /metrics": { access: { open: "Prometheus: bearer token PORTAL_METRICS_TOKEN, compared in constant time (metrics tests)" } },
  "GET /api/control-plane/openapi.json": { access: { open: "the public contract" } },
  "GET /api/home": { access: { signedIn: true }, call: () => route("api/home/route.ts", "GET", "/api/home") },
  "GET /api/me": { access: { signedIn: true }, call: () => route("api/me/route.ts", "GET", "/api/me") },
  "GET /api/control-plane/status": { access: { signedIn: true }, call: () => route("api/control-plane/status/route.ts", "GET", "/api/control-plane/status") },
  "GET /api/panels": { access: { permission: "panels.view" }, call: () => route("api/panels/route.ts", "GET", "/api/panels") },
  "GET /api/incidents/board": { access: { permission: "incident.view" }, call: () => route("api/incidents/board/route.ts", "GET", "/api/incidents/board") },
  "GET /api/runbooks/upkeep": { access: { permission: "runbook.view" }, call: () => route("api/runbooks/upkeep/route.ts", "GET", "/api/runbooks/upkeep") },
  "GET /api/runbooks/search-text": { access: { permission: "runbook.view" }, call: () => route("api/runbooks/search-text/route.ts", "GET", "/api/runbooks/search-text") },
  "POST /api/runs": { access: { permission: "run.start" }, call: () => route("api/runs/route.ts", "POST", "/api/runs", {}, { runbookId: "RB-CORE-004" }) },
  "GET /api/runs/[id]": { access: { permission: "run.view" }, call: (fx) => route("api/runs/[id]/route.ts", "GET", `/api/runs/${fx.runId}`, { id: fx.runId }) },
  "GET /api/runs/[id]/rca": { access: { permission: "run.view" }, call: (fx) => route("api/runs/[id]/rca/route.ts", "GET", `/api/runs/${fx.runId}/rca`, { id: fx.runId }) },
  "POST /api/runs/[id]/steps/[stepId]": {
    access: { permission: "run.step.signoff" },
    call: (fx) => route("api/runs/[id]/steps/[stepId]/route.ts", "POST", `/api/runs/${fx.runId}/steps/${FIRST_STEP}`, { id: fx.runId, stepId: FIRST_STEP }, { op: "sign", notes: "matrix" }),
  },
  "GET /api/onboarding/[id]": { access: { permission: "onboarding.request" }, call: (fx) => route("api/onboarding/[id]/route.ts", "GET", `/api/onboarding/${fx.onboardingId}`, { id: fx.onboardingId }) },
  "GET /api/onboarding/[id]/alert-rules": {
    access: { permission: "onboarding.request" },
    call: (fx) => route("api/onboarding/[id]/alert-rules/route.ts", "GET", `/api/onboarding/${fx.onboardingId}/alert-rules`, { id: fx.onboardingId }),
  },
  "GET /api/onboarding/[id]/workflow": {
    access: { permission: "onboarding.request" },
    call: (fx) => route("api/onboarding/[id]/workflow/route.ts", "GET", `/api/onboarding/${fx.onboardingId}/workflow`, { id: fx.onboardingId }),
  },
  "GET /api/audit/events": { access: { permission: "audit.view.own" }, call: () => route("api/audit/events/route.ts", "GET", "/api/audit/events") },
  "GET /api/audit/events/[seq]": { access: { permission: "audit.view.own" }, call: (fx) => route("api/audit/events/[seq]/route.ts", "GET", `/api/audit/events/${fx.seq}`, { seq: fx.seq }) },
  "GET /api/audit/export": { access: { permission: "audit.export" }, call: () => route("api/audit/export/route.ts", "GET", "/api/audit/export?format=csv") },
  "GET /api/audit/bundle": { access: { permission: "audit.export" }, call: (fx) => route("api/audit/bundle/route.ts", "GET", `/api/audit/bundle?incidentId=${fx.incidentId}&format=json`) },
  "GET /api/audit/heads": { access: { permission: "audit.verify" }, call: () => route("api/audit/heads/route.ts", "GET", "/api/audit/heads") },
  "POST /api/audit/heads": { access: { permission: "audit.head.sign" }, call: () => route("api/audit/heads/route.ts", "POST", "/api/audit/heads", {}, { note: "matrix" }) },
  "GET /api/audit/heads/[id]": { access: { permission: "audit.verify" }, call: (fx) => route("api/audit/heads/[id]/route.ts", "GET", `/api/audit/heads/${fx.headId}`, { id: fx.headId }) },
  "POST /api/audit/heads/verify": { access: { permission: "audit.verify" }, call: () => route("api/audit/heads/verify/route.ts", "POST", "/api/audit/heads/verify", {}, { head: "{}" }) },
  "POST /api/audit/verify": { access: { permission: "audit.verify" }, call: () => route("api/audit/verify/route.ts", "POST", "/api/audit/verify", {}, {}) },

  "GET /api/access/review": { access: { permission: "access.review" }, call: () => route("api/access/review/route.ts", "GET", "/api/access/review?date=2026-11-03&runbookId=RB-LAUNCH-002") },

  // Server actions.
  "action access#addPerson": { access: { permission: "access.admin" }, call: () => action("access.ts", "addPerson", { email: `new.${crypto.randomUUID().slice(0, 8)}@ops.example`, name: "New Person", roles: "BUSINESS" }) },
  "action access#grantRole": { access: { permission: "access.admin" }, call: (fx) => action("access.ts", "grantRole", { personId: fx.personId, role: "PRODUCT" }) },
  "action access#revokeRole": { access: { permission: "access.admin" }, call: (fx) => action("access.ts", "revokeRole", { personId: fx.personId, role: "PRODUCT" }) },
  "action access#decideGrant": { access: { permission: "access.admin" }, call: () => action("access.ts", "decideGrant", { requestId: crypto.randomUUID(), decision: "approve" }) },
  "action access#setDisabled": { access: { permission: "access.admin" }, call: (fx) => action("access.ts", "setDisabled", { personId: fx.personId, state: "disabled" }) },
  "action auth#signInAsSeededPerson": { access: { open: "sign-in itself: seeded people on the embedded default only (dev-sign-in tests)" } },
  "action auth#signInWithOidc": { access: { open: "sign-in itself: starts the OpenID flow (single-sign-on.sso.spec.ts)" } },
  "action auth#signOutAction": { access: { open: "ends whatever session there is (session-version tests)" } },
  "action runs#startRun": { access: { permission: "run.start" }, call: () => action(RUN_ACTIONS, "startRun", { runbookId: "RB-CORE-004" }) },
  "action runs#signStep": { access: { permission: "run.step.signoff" }, call: (fx) => action(RUN_ACTIONS, "signStep", { runId: fx.runId, stepId: FIRST_STEP }) },
  "action runs#requestStep": { access: { permission: "run.step.signoff" }, call: (fx) => action(RUN_ACTIONS, "requestStep", { runId: fx.runId, stepId: FIRST_STEP }) },
  "action runs#approveStep": { access: { permission: "run.step.signoff" }, call: (fx) => action(RUN_ACTIONS, "approveStep", { runId: fx.runId, stepId: FIRST_STEP, requestHash: HASH }) },
  "action runs#decideStep": {
    access: { permission: "run.step.signoff" },
    call: (fx) => action(RUN_ACTIONS, "decideStep", { runId: fx.runId, stepId: FIRST_STEP, outcome: "GO", reason: "matrix decision" }),
  },
  "action runs#skipStep": { access: { permission: "run.step.skip" }, call: (fx) => action(RUN_ACTIONS, "skipStep", { runId: fx.runId, stepId: FIRST_STEP, reason: "matrix skip" }) },
  "action runs#abortRun": { access: { permission: "run.abort" }, call: (fx) => action(RUN_ACTIONS, "abortRun", { runId: fx.runId, reason: "matrix abort" }) },
  "action runs#addEvidence": { access: { permission: "run.step.signoff" }, call: (fx) => action(RUN_ACTIONS, "addEvidence", { runId: fx.runId, stepId: FIRST_STEP, text: "matrix evidence" }) },
  "action runs#escalateRun": { access: { permission: "run.step.signoff" }, call: (fx) => action(RUN_ACTIONS, "escalateRun", { runId: fx.runId, reason: "matrix escalation" }) },
  "action runs#decideCommand": {
    access: { permission: "command.decide" },
    call: () => action(RUN_ACTIONS, "decideCommand", { commandId: crypto.randomUUID(), decision: "retry", reason: "matrix decision" }),
  },
  "action runs#saveRca": { access: { permission: "run.step.signoff" }, call: (fx) => action(RUN_ACTIONS, "saveRca", { runId: fx.runId, markdown: RCA, baseVersion: "0" }) },
  "action incidents#declareIncident": {
    access: { permission: "incident.declare" },
    call: () => action("incidents.ts", "declareIncident", { title: "Matrix incident", severity: "P3" }),
  },
  "action incidents#setIncidentStatus": {
    access: { permission: "incident.manage" },
    call: (fx) => action("incidents.ts", "setIncidentStatus", { incidentId: fx.incidentId, status: "MITIGATED" }),
  },
  "action incidents#takeCommand": { access: { permission: "incident.command" }, call: (fx) => action("incidents.ts", "takeCommand", { incidentId: fx.incidentId }) },
  "action onboarding#requestOnboarding": { access: { permission: "onboarding.request" }, call: () => action("onboarding.ts", "requestOnboarding", { submissionKey: crypto.randomUUID() }) },
  "action onboarding#approveOnboarding": { access: { permission: "onboarding.approve" }, call: (fx) => action("onboarding.ts", "approveOnboarding", { onboardingId: fx.onboardingId }) },
  "action onboarding#sendBackOnboarding": {
    access: { permission: "onboarding.approve" },
    call: (fx) => action("onboarding.ts", "sendBackOnboarding", { onboardingId: fx.onboardingId, reason: "matrix send back" }),
  },
  "action onboarding#runFirstFlow": { access: { permission: "onboarding.request" }, call: (fx) => action("onboarding.ts", "runFirstFlow", { onboardingId: fx.onboardingId }) },
  "action onboarding#verifyTelemetry": { access: { permission: "onboarding.request" }, call: (fx) => action("onboarding.ts", "verifyTelemetry", { onboardingId: fx.onboardingId }) },
  "action onboarding#confirmTraining": { access: { permission: "onboarding.request" }, call: (fx) => action("onboarding.ts", "confirmTraining", { onboardingId: fx.onboardingId }) },
  "action followups#addFollowUp": {
    access: { permission: "followup.manage" },
    call: (fx) => action("followups.ts", "addFollowUp", { runId: fx.runId, title: "Matrix follow-up", ownerId: fx.personId, dueOn: "2026-12-31", runbookId: "RB-CORE-004" }),
  },
  "action followups#closeFollowUp": {
    access: { permission: "followup.manage" },
    call: () => action("followups.ts", "closeFollowUp", { followUpId: crypto.randomUUID(), version: "0", outcome: "wont-do", reason: "matrix close" }),
  },
  "action reviews#recordReview": { access: { permission: "runbook.review" }, call: () => action("reviews.ts", "recordReview", { runbookId: "RB-CORE-004", outcome: "no-change" }) },
  "action audit#verifyChain": { access: { permission: "audit.verify" }, call: () => action("audit.ts", "verifyChain", {}) },
  "action audit#signHead": { access: { permission: "audit.head.sign" }, call: () => action("audit.ts", "signHead", { note: "matrix" }) },
  "action audit#verifyHead": { access: { permission: "audit.verify" }, call: () => action("audit.ts", "verifyHead", { head: "{}" }) },
};

// ---- the run -----------------------------------------------------------------------------------------------------

let client: Db;
let owner: pg.Pool;
let fx: Fixture;
const people = new Map<Role, Actor>();

beforeAll(async () => {
  let ownerUrl: string;
  ({ client, ownerUrl } = await useFreshDatabase({ seed: true }));
  // Rate windows are cleared between calls (limits are not what is tested here) as the owner: the portal's role
  // deletes nothing.
  owner = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  process.env.PORTAL_URL = ORIGIN;
  for (const role of ROLES) {
    const p = await client.person.create({ data: { email: `matrix.${role.toLowerCase()}@ops.example`, name: `Matrix ${role}`, roles: [role] } });
    people.set(role, { id: p.id, email: p.email, name: p.name, roles: p.roles });
  }
  const sre = await actorByEmail(client, "sam.rivera@ops.example");
  const ic = await actorByEmail(client, "ines.carter@ops.example");
  const run = await executeAction(startRunAction, sre, { runbookId: "RB-CORE-004" });
  const incident = await executeAction(declareIncidentAction, ic, { title: "Matrix fixture incident", severity: "P2" });
  const head = await executeAction(signHeadAction, ic, { note: "matrix fixture" });
  if (!run.ok || !incident.ok || !head.ok) throw new Error(`fixture: ${JSON.stringify([run, incident, head])}`);
  const repoOwner = await actorByEmail(client, "rui.costa@ops.example");
  const onboarding = await executeAction(requestOnboardingAction, repoOwner, {
    ...ONBOARDING_FORM,
    submissionKey: crypto.randomUUID(),
    repoName: "matrix-api",
    repoUrl: "https://github.com/acme/matrix-api",
    team: "Matrix",
    ownerContacts: "rui.costa@ops.example",
    alertContacts: "#matrix-alerts",
  });
  if (!onboarding.ok) throw new Error(`fixture: ${JSON.stringify(onboarding)}`);
  const last = await client.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
  const headRow = await client.chainHead.findFirstOrThrow({ orderBy: { id: "desc" } });
  const target = await client.person.create({ data: { email: "matrix.target@ops.example", name: "Matrix Target", roles: ["BUSINESS"] } });
  fx = { personId: target.id, runId: run.data.runId, incidentId: incident.data.incidentId, onboardingId: onboarding.data.onboardingId, seq: last.seq.toString(), headId: headRow.id.toString() };
});
afterAll(async () => {
  session.actor = null;
  await owner?.end();
  await client.$disconnect();
});

const refusedEvents = (actorId: string) => client.auditEvent.findMany({ where: { actorId, outcome: "refused" }, orderBy: { seq: "asc" } });
const isRefusal = (o: Outcome, kind: "401" | "403") =>
  "status" in o ? o.status === Number(kind) : o.code === (kind === "401" ? "UNAUTHENTICATED" : "FORBIDDEN");

describe("the authorization matrix", () => {
  it("has a row for every route handler and server action in the code, and no row without one", () => {
    const found = [...routeEndpoints(), ...serverActionEndpoints()].sort();
    expect(found.length).toBeGreaterThan(30);
    expect(found.filter((e) => !(e in ENDPOINTS)), "endpoints without a row in ENDPOINTS").toEqual([]);
    expect(Object.keys(ENDPOINTS).filter((e) => !found.includes(e)), "rows for endpoints that no longer exist").toEqual([]);
  });

  it("uses every permission of the table that guards an endpoint, and names only permissions of the table", () => {
    const used = new Set(Object.values(ENDPOINTS).flatMap((r) => ("permission" in r.access ? [r.access.permission] : [])));
    for (const p of used) expect(Object.keys(PERMISSIONS)).toContain(p);
    // Permissions that decide how far an allowed action or read reaches (checked inside the endpoints above, with
    // their own tests), or that only pages check (the incident pages read incidents on the server, with no API).
    const insideEndpoints: Permission[] = ["run.manage.any", "incident.reopen", "audit.view.all", "onboarding.view.all", "incident.view"];
    expect((Object.keys(PERMISSIONS) as Permission[]).filter((p) => !used.has(p) && !insideEndpoints.includes(p))).toEqual([]);
  });

  const called = Object.entries(ENDPOINTS).filter((e): e is [string, Row & { call: NonNullable<Row["call"]> }] => Boolean(e[1].call));

  it.each(called)("%s refuses nobody signed in with 401 and writes no individual audit event", async (_name, row) => {
    await owner.query(`DELETE FROM rate_window`);
    session.actor = null;
    const before = await client.auditEvent.count({ where: { actorId: { not: null } } });
    const outcome = await row.call(fx);
    expect(isRefusal(outcome, "401"), JSON.stringify(outcome)).toBe(true);
    expect(await client.auditEvent.count({ where: { actorId: { not: null } } })).toBe(before);
  });

  const cells = called.flatMap(([name, row]) => ROLES.map((role) => [name, role, row] as const));

  it.each(cells)("%s as %s: allowed or refused as the table says, and every refusal audited", async (name, role, row) => {
    await owner.query(`DELETE FROM rate_window`);
    const actor = people.get(role)!;
    session.actor = actor;
    const before = (await refusedEvents(actor.id)).length;
    const outcome = await row.call(fx);
    const fresh = (await refusedEvents(actor.id)).slice(before);
    expect(isRefusal(outcome, "401"), `${name} as ${role}: ${JSON.stringify(outcome)}`).toBe(false);
    const permission = "permission" in row.access ? row.access.permission : null;
    const allowed = permission === null || (PERMISSIONS[permission] as readonly Role[]).includes(role);
    const tableRefusals = fresh.filter((e) => JSON.stringify(e.details).includes(`permission ${permission}`));
    if (allowed) {
      expect(tableRefusals, `${name} as ${role} was refused for ${permission}, which the table gives ${role}`).toEqual([]);
      if (isRefusal(outcome, "403")) expect(fresh.length, `an object-level refusal of ${name} as ${role} must be audited too`).toBe(1);
    } else {
      expect(isRefusal(outcome, "403"), `${name} as ${role} should be refused (${permission}): ${JSON.stringify(outcome)}`).toBe(true);
      expect(tableRefusals, `${name} as ${role}: one refused audit event naming ${permission}`).toHaveLength(1);
      expect(fresh).toHaveLength(1);
    }
  });
});
