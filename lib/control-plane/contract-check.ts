/**
 * The contract test kit (`npm run contract:check -- --url <control-plane>`): checks that a control plane — staging,
 * a new release, a vendor's implementation — answers the way the portal relies on, by the contract the OpenAPI
 * document is generated from (contract.ts). Read-only by default; `write` also sends actions, chosen so that they
 * change nothing (they set what the control plane's own settings say is already set), with idempotency keys that
 * start with `contract-check-` so they are easy to find in the control plane's logs.
 *
 * Error probes carry `Prefer: code=<status>` (RFC 7240): a real control plane ignores it and answers on its own
 * merits, while a mock server generated from the OpenAPI document (e.g. Prism) answers with the error asked for.
 */
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import { ACCEPT, mediaType } from "./client";
import {
  API_PATHS,
  IDEMPOTENCY_HEADER,
  PROBLEM_CONTENT_TYPE,
  REPLAYED_HEADER,
  TELEMETRY_WINDOWS,
  actionResponseSchemas,
  aggregatesSchema,
  capacitySchema,
  flowListSchema,
  flowSchema,
  healthSchema,
  problemSchema,
  providerHealthSchema,
  safeParseActionParams,
  settingsSchema,
  telemetrySnapshotSchema,
  type Settings,
} from "./contract";
import type { ControlPlaneAction } from "./actions";

export type CheckResult = {
  /** Stable name, e.g. `read.telemetry` or `write.replay`. */
  name: string;
  ok: boolean;
  /** What was checked and what came back (one line). */
  detail: string;
  skipped?: boolean;
};

export type ContractCheckOptions = {
  url: string;
  token?: string;
  /** Also send (no-op) actions. */
  write?: boolean;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Called as each check ends (the CLI prints it). */
  onResult?: (r: CheckResult) => void;
};

export type ContractCheckReport = { ok: boolean; passed: number; failed: number; skipped: number; results: CheckResult[] };

type Answer = { status: number; type: string; headers: Headers; text: string; json: unknown };

class CheckFailure extends Error {}

const fail = (message: string): never => {
  throw new CheckFailure(message);
};

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join(".") || "body"}: ${issue.message}${error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : ""}`;
}

/** Runs the checks and reports each; never throws for a non-conforming control plane (only for bad options). */
export async function runContractChecks(opts: ContractCheckOptions): Promise<ContractCheckReport> {
  const base = new URL(opts.url).toString().replace(/\/+$/, "");
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  let keyN = 0;
  const testKey = () => `contract-check-${runId}-${++keyN}`;
  const results: CheckResult[] = [];

  const request = async (method: "GET" | "POST", path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const res = await doFetch(`${base}${path}`, {
      method,
      headers: {
        accept: ACCEPT,
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, type: mediaType(res.headers.get("content-type")), headers: res.headers, text, json };
  };

  /** A 200 in application/json whose body matches `schema`. */
  const expectOk = <T>(what: string, a: Answer, schema: z.ZodType<T>): T => {
    if (a.status !== 200) fail(`${what}: HTTP ${a.status}, expected 200${a.text ? ` (${a.text.slice(0, 160)})` : ""}`);
    if (a.type !== "application/json") fail(`${what}: 200 in "${a.type || "no media type"}", expected application/json`);
    const parsed = schema.safeParse(a.json);
    if (!parsed.success) fail(`${what}: the body does not match the contract (${firstIssue(parsed.error)})`);
    return parsed.data as T;
  };

  /** An error answer with this status, as an RFC 9457 problem in application/problem+json (and this code, if given). */
  const expectProblem = (what: string, a: Answer, status: number, code?: string): string => {
    if (a.status !== status) fail(`${what}: HTTP ${a.status}, expected ${status}${a.text ? ` (${a.text.slice(0, 160)})` : ""}`);
    if (a.type !== PROBLEM_CONTENT_TYPE) fail(`${what}: ${status} in "${a.type || "no media type"}", expected ${PROBLEM_CONTENT_TYPE}`);
    const parsed = problemSchema.safeParse(a.json);
    if (!parsed.success) fail(`${what}: not a problem object (${firstIssue(parsed.error)})`);
    const p = parsed.data!;
    if (code !== undefined && p.code !== code) fail(`${what}: problem code "${p.code}", expected "${code}"`);
    return `${status} ${PROBLEM_CONTENT_TYPE}, code ${p.code}${p.status !== status ? ` (its status field says ${p.status})` : ""}`;
  };

  const check = async (name: string, run: () => Promise<string | { skipped: string }>) => {
    let result: CheckResult;
    try {
      const out = await run();
      result = typeof out === "string" ? { name, ok: true, detail: out } : { name, ok: true, skipped: true, detail: out.skipped };
    } catch (e) {
      const message = e instanceof CheckFailure ? e.message : `request failed: ${e instanceof Error ? `${e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : e.message}${(e as { cause?: { code?: string } }).cause?.code ? ` (${(e as { cause: { code: string } }).cause.code})` : ""}` : String(e)}`;
      result = { name, ok: false, detail: message };
    }
    results.push(result);
    opts.onResult?.(result);
    return result;
  };

  // ── Reads ────────────────────────────────────────────────────────────────────────────────────────────────────
  await check("read.health", async () => {
    const h = expectOk("GET /v1/health", await request("GET", API_PATHS.health), healthSchema);
    return `200 application/json, matches Health (${h.name} ${h.version}${h.simulated ? ", simulated" : ""})`;
  });
  await check("read.telemetry", async () => {
    const s = expectOk("GET /v1/telemetry", await request("GET", `${API_PATHS.telemetry}?flowLimit=5&window=24h`), telemetrySnapshotSchema);
    return `200, matches TelemetrySnapshot (${s.flows.length} flows)`;
  });
  let flowId: string | undefined;
  await check("read.flows", async () => {
    const list = expectOk("GET /v1/telemetry/flows", await request("GET", `${API_PATHS.flows}?limit=5`), flowListSchema);
    if (list.flows.length > 5) fail(`GET /v1/telemetry/flows?limit=5: ${list.flows.length} flows, expected at most 5`);
    flowId = list.flows[0]?.id;
    return `200, matches FlowList (${list.flows.length} flows, limit respected)`;
  });
  await check("read.flow", async () => {
    if (!flowId) return { skipped: "no flow to read (the flow list was empty or failed)" };
    const flow = expectOk(`GET /v1/telemetry/flows/${flowId}`, await request("GET", API_PATHS.flow(flowId)), flowSchema);
    return `200, matches Flow${flow.id === flowId ? "" : ` (but its id is "${flow.id}", not "${flowId}")`}`;
  });
  for (const window of TELEMETRY_WINDOWS) {
    await check(`read.aggregates.${window}`, async () => {
      const agg = expectOk(`GET /v1/telemetry/aggregates?window=${window}`, await request("GET", `${API_PATHS.aggregates}?window=${window}`), aggregatesSchema);
      return `200, matches Aggregates${agg.window.label === window ? "" : ` (but its window is "${agg.window.label}")`}`;
    });
  }
  await check("read.providers", async () => {
    const p = expectOk("GET /v1/telemetry/providers", await request("GET", API_PATHS.providers), providerHealthSchema);
    return `200, matches ProviderHealth (orchestrator ${p.orchestrator})`;
  });
  await check("read.capacity", async () => {
    expectOk("GET /v1/telemetry/capacity", await request("GET", API_PATHS.capacity), capacitySchema);
    return "200, matches Capacity";
  });
  let settings: Settings | undefined;
  await check("read.settings", async () => {
    settings = expectOk("GET /v1/settings", await request("GET", API_PATHS.settings), settingsSchema);
    return `200, matches Settings (phase ${settings.phase})`;
  });
  await check("error.not-found", async () => {
    const id = `contract-check-no-such-flow-${runId}`;
    return `unknown flow: ${expectProblem(`GET /v1/telemetry/flows/${id}`, await request("GET", API_PATHS.flow(id), { headers: { prefer: "code=404" } }), 404)}`;
  });
  await check("error.invalid-query", async () => {
    return `limit=0: ${expectProblem("GET /v1/telemetry/flows?limit=0", await request("GET", `${API_PATHS.flows}?limit=0`, { headers: { prefer: "code=400" } }), 400)}`;
  });

  // ── Actions (only with write) ──────────────────────────────────────────────────────────────────────────────────
  if (opts.write) {
    const noop = settings ? noOpAction(settings) : undefined;
    const skip = { skipped: "no settings to build a no-op action from (read.settings failed or gave none)" };
    let first: { key: string; body: unknown; answer: Record<string, unknown> } | undefined;
    await check("write.apply", async () => {
      if (!noop) return skip;
      const key = testKey();
      const a = await request("POST", API_PATHS.action(noop.action), { body: noop.params, headers: { [IDEMPOTENCY_HEADER]: key } });
      const answer = expectOk(`POST ${API_PATHS.action(noop.action)}`, a, actionResponseSchemas[noop.action] as z.ZodType<{ idempotencyKey: string; status: string; action: string }>);
      if (answer.action !== noop.action) fail(`the answer names action "${answer.action}", not "${noop.action}"`);
      if (answer.idempotencyKey !== key) fail(`the answer echoes idempotency key "${answer.idempotencyKey}", not the key sent ("${key}")`);
      first = { key, body: noop.params, answer: a.json as Record<string, unknown> };
      return `${noop.action} ${JSON.stringify(noop.params)} (a no-op: what the settings already say): 200, matches its response, echoes the key, status ${answer.status}`;
    });
    await check("write.replay", async () => {
      if (!noop || !first) return { skipped: "needs write.apply to pass" };
      const a = await request("POST", API_PATHS.action(noop.action), { body: first.body, headers: { [IDEMPOTENCY_HEADER]: first.key } });
      const again = expectOk(`POST ${API_PATHS.action(noop.action)} (same key, same body)`, a, actionResponseSchemas[noop.action] as z.ZodType<Record<string, unknown>>);
      if (again.idempotencyKey !== first.key) fail(`the replay echoes idempotency key "${String(again.idempotencyKey)}", not "${first.key}"`);
      if (again.appliedAt !== first.answer.appliedAt || again.summary !== first.answer.summary) fail("the replay is not the first answer (appliedAt or summary differ): was the action applied twice?");
      if (a.headers.get(REPLAYED_HEADER) !== "true") fail(`the replay has no "${REPLAYED_HEADER}: true" header`);
      return `same key, same body: the first answer again, with ${REPLAYED_HEADER}: true`;
    });
    await check("write.key-reused", async () => {
      if (!noop || !first) return { skipped: "needs write.apply to pass" };
      const other = noop.other;
      if (!other) return { skipped: "the settings give no second no-op request (retry limit, or a repo's pruning)" };
      const a = await request("POST", API_PATHS.action(other.action), { body: other.params, headers: { [IDEMPOTENCY_HEADER]: first.key, prefer: "code=422" } });
      return `same key, another request (${other.action}): ${expectProblem(`POST ${API_PATHS.action(other.action)}`, a, 422, "idempotency-key-reused")}`;
    });
    await check("write.missing-key", async () => {
      if (!noop) return skip;
      const a = await request("POST", API_PATHS.action(noop.action), { body: noop.params, headers: { prefer: "code=400" } });
      return `no ${IDEMPOTENCY_HEADER}: ${expectProblem(`POST ${API_PATHS.action(noop.action)}`, a, 400, "missing-idempotency-key")}`;
    });
    await check("write.invalid-params", async () => {
      const a = await request("POST", API_PATHS.action("set-retry-limit"), { body: { scope: "global", maxAttempts: 0 }, headers: { [IDEMPOTENCY_HEADER]: testKey(), prefer: "code=400" } });
      return `set-retry-limit {maxAttempts: 0}: ${expectProblem(`POST ${API_PATHS.action("set-retry-limit")}`, a, 400, "invalid-request")}`;
    });
  }

  const failed = results.filter((r) => !r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  return { ok: failed === 0, passed: results.length - failed - skipped, failed, skipped, results };
}

type NoOp = { action: ControlPlaneAction; params: Record<string, unknown>; other?: { action: ControlPlaneAction; params: Record<string, unknown> } };

/**
 * Actions that change nothing, built from the control plane's own settings: the global context pruning it already
 * has (always expressible), and for a second, different request the global retry limit it already has (or a repo's
 * pruning as it already is). Undefined when the settings allow none.
 */
export function noOpAction(settings: Settings): NoOp | undefined {
  const pruning = safeParseActionParams("set-context-pruning", { scope: "global", enabled: settings.pruning.global });
  if (!pruning.ok) return undefined;
  const retry = safeParseActionParams("set-retry-limit", { scope: "global", maxAttempts: settings.retry.maxAttempts });
  const repo = settings.pruning.repos[0];
  const repoPruning = repo ? safeParseActionParams("set-context-pruning", { scope: "repo", repo: repo.repo, enabled: repo.enabled }) : undefined;
  const other = retry.ok
    ? { action: "set-retry-limit" as const, params: retry.params as Record<string, unknown> }
    : repoPruning?.ok
      ? { action: "set-context-pruning" as const, params: repoPruning.params as Record<string, unknown> }
      : undefined;
  return { action: "set-context-pruning", params: pruning.params as Record<string, unknown>, other };
}

/** One line per check, then the totals. */
export function formatResult(r: CheckResult): string {
  return `${r.skipped ? "SKIP" : r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(22)} ${r.detail}`;
}
