/**
 * The contract against an independent implementation (issue 17, item 5): Prism, a mock server generated from
 * docs/openapi/control-plane.json alone, once with static answers and once with `-d` (dynamic: generated data on every
 * request). The portal's own client and relay talk to it, and:
 * - every telemetry read and all 14 actions pass Prism's request validation (no `sl-violations` header, no
 *   "did not pass the validation rules" in its log);
 * - the client accepts every generated 2xx answer — for actions, once the echoed idempotency key is put right (a mock
 *   cannot know it; as generated, the relay holds the command for a person and never records a success);
 * - errors forced with `Prefer: code=…` (400, 404, 409, 422, 429, 503) end as failures or retries, never successes;
 * - the contract test kit (npm run contract:check) passes its read-only checks, and `--write` fails where a mock
 *   cannot keep the contract.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONTROL_PLANE_ACTIONS, type ControlPlaneAction } from "@/lib/control-plane/actions";
import { createControlPlaneClient, type ControlPlaneClient } from "@/lib/control-plane/client";
import { runContractChecks } from "@/lib/control-plane/contract-check";
import { TELEMETRY_WINDOWS, parseActionParams } from "@/lib/control-plane/contract";
import { ControlPlaneError } from "@/lib/control-plane/errors";
import { deliverDueCommands } from "@/lib/control-plane/relay";
import { enqueueCommand } from "@/lib/stores/commands";
import { verifyChain } from "@/lib/audit/log";
import { freePort } from "@/scripts/lib/ports";
import { stopProcess } from "../support/stop-process";
import { createDb, type Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

// Two Prism processes and hundreds of requests: seconds on an idle machine, more when the two cores are busy.
vi.setConfig({ testTimeout: 90_000 });

const ROOT = path.resolve(import.meta.dirname, "../..");
const PRISM = path.join(ROOT, "node_modules/@stoplight/prism-cli/dist/index.js");
const DOCUMENT = path.join(ROOT, "docs/openapi/control-plane.json");

/** A valid request for every action (canonical once parsed). */
const SAMPLES: Record<ControlPlaneAction, Record<string, unknown>> = {
  "set-allowlist": { add: ["billing-api"], phase: "phase6", dailyCapUsd: 5 },
  "rollback-to-pilot": {},
  "set-context-pruning": { scope: "repo", repo: "reporting-etl", enabled: true },
  "set-routing-weights": { weights: { anthropic: 40, openai: 30, google: 30 } },
  "failover-provider": { from: "openai", to: "anthropic" },
  "throttle-repo": { repos: ["docs-portal", "billing-api"], capacityPercent: 50 },
  "set-circuit-breaker": { scope: "provider", provider: "google", state: "open" },
  "set-retry-limit": { scope: "repo", repo: "checkout-web", maxAttempts: 2 },
  "scale-flowengine": { replicas: 6, hpaMin: 5, hpaMax: 20 },
  "set-db-pool-size": { size: 250 },
  "rotate-api-key": { providers: ["google"], revokePrevious: true },
  "quarantine-flow-output": { repo: "billing-api", since: "2025-11-20T09:30:00Z", reason: "contract test" },
  "run-flow": { repo: "billing-api", reason: "contract test" },
  "request-quota-increase": { urgency: "planned", requests: [{ provider: "google", dailyTokens: 1_500_000 }] },
};

type Prism = { url: string; child: ChildProcess; log: () => string; stop: () => Promise<void> };

async function startPrism(dynamic: boolean): Promise<Prism> {
  const port = await freePort();
  const args = [PRISM, "mock", "-h", "127.0.0.1", "-p", String(port), ...(dynamic ? ["-d"] : []), DOCUMENT];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_ENV: "test" } });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prism exited (${child.exitCode}): ${out}`);
    const up = await fetch(`${url}/v1/health`, { headers: { accept: "application/json" } }).then(
      (r) => r.body?.cancel().then(() => true) ?? true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`prism did not start within 45 s: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    log: () => out,
    stop: () => stopProcess(child),
  };
}

/** Request-side violations Prism reported on an answer (its `sl-violations` header). */
type Seen = { method: string; path: string; status: number; violations: { location: string[]; message?: string }[] };

/**
 * A fetch that records what Prism said about each request, optionally forces a status (`Prefer: code=…`, chosen per
 * request), and optionally puts the echoed idempotency key right (which a mock cannot know).
 */
function recordingFetch(seen: Seen[], opts: { code?: (url: string, init?: RequestInit) => number | undefined; fixEcho?: boolean } = {}): typeof fetch {
  return async (input, init) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const code = opts.code?.(url, init);
    if (code) headers.set("prefer", `code=${code}`);
    const res = await fetch(url, { ...init, headers });
    const header = res.headers.get("sl-violations");
    const violations = header ? (JSON.parse(header) as Seen["violations"]).filter((v) => v.location[0] === "request") : [];
    seen.push({ method: init?.method ?? "GET", path: new URL(url).pathname + new URL(url).search, status: res.status, violations });
    if (!opts.fixEcho || !res.ok) return res;
    const body = (await res.json()) as Record<string, unknown>;
    if (typeof body.idempotencyKey === "string") body.idempotencyKey = headers.get("idempotency-key") ?? "";
    return new Response(JSON.stringify(body), { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "" } });
  };
}

/** Every telemetry read the portal makes, with its query parameters. */
async function readEverything(cp: ControlPlaneClient) {
  await cp.health();
  await cp.telemetry({ flowLimit: 5, window: "24h" });
  await cp.telemetry();
  await cp.flows({ limit: 5, repo: "billing-api", status: "failed", since: "2025-11-20T09:30:00Z" });
  await cp.flows();
  await cp.flow("flow-contract-1");
  for (const window of TELEMETRY_WINDOWS) await cp.aggregates({ window });
  await cp.providers();
  await cp.capacity();
  await cp.settings();
}

let db: Db;
let ownerUrl: string;
/** The owner empties the outbox between rounds: the portal's role deletes nothing. */
let owner: Db;
let staticPrism: Prism;
let dynamicPrism: Prism;

beforeAll(async () => {
  expect(existsSync(PRISM), "@stoplight/prism-cli is a dev dependency: run npm ci").toBe(true);
  [staticPrism, dynamicPrism, { client: db, ownerUrl }] = await Promise.all([startPrism(false), startPrism(true), useFreshDatabase()]);
  owner = createDb(ownerUrl);
}, 90_000);
afterAll(async () => {
  await Promise.all([staticPrism?.stop(), dynamicPrism?.stop()]);
  await db?.$disconnect();
});

const noRequestViolations = (seen: Seen[], prism: Prism) => {
  expect(seen.filter((s) => s.violations.length > 0)).toEqual([]);
  expect(prism.log()).not.toMatch(/did not pass the validation rules/i);
};

describe("telemetry reads against Prism", () => {
  it("static answers: every read passes request validation and every answer is accepted", async () => {
    const seen: Seen[] = [];
    await readEverything(createControlPlaneClient({ baseUrl: staticPrism.url, maxAttempts: 1, fetch: recordingFetch(seen) }));
    expect(seen.length).toBe(13);
    expect(seen.every((s) => s.status === 200)).toBe(true);
    noRequestViolations(seen, staticPrism);
  });

  it("dynamic answers (-d): 6 rounds of generated data, all accepted", async () => {
    const seen: Seen[] = [];
    const cp = createControlPlaneClient({ baseUrl: dynamicPrism.url, maxAttempts: 1, fetch: recordingFetch(seen) });
    for (let round = 0; round < 6; round++) await readEverything(cp);
    expect(seen.length).toBe(78);
    noRequestViolations(seen, dynamicPrism);
  });

  it("forced errors on reads are errors, retryable or not as their status says", async () => {
    const expected: Record<number, string> = { 400: "refused", 429: "rate-limited", 503: "unavailable" };
    for (const prism of [staticPrism, dynamicPrism]) {
      for (const [code, kind] of Object.entries(expected)) {
        const seen: Seen[] = [];
        const cp = createControlPlaneClient({ baseUrl: prism.url, maxAttempts: 1, fetch: recordingFetch(seen, { code: () => Number(code) }) });
        const e = await cp.settings().then(
          () => null,
          (err: unknown) => err,
        );
        expect(e, `${prism.url} ${code}`).toBeInstanceOf(ControlPlaneError);
        expect((e as ControlPlaneError).kind).toBe(kind);
        expect(seen[0].status).toBe(Number(code));
      }
      const missing = await createControlPlaneClient({ baseUrl: prism.url, maxAttempts: 1, fetch: recordingFetch([], { code: () => 404 }) })
        .flow("flow-contract-404")
        .catch((err: unknown) => err);
      expect((missing as ControlPlaneError).kind).toBe("not-found");
    }
  });
});

describe("actions against Prism", () => {
  it("all 14 pass request validation; answers are accepted once the echoed key is right, and refused (key-mismatch) as generated", async () => {
    for (const prism of [staticPrism, dynamicPrism]) {
      const seen: Seen[] = [];
      const asGenerated = createControlPlaneClient({ baseUrl: prism.url, maxAttempts: 1, fetch: recordingFetch(seen) });
      const echoFixed = createControlPlaneClient({ baseUrl: prism.url, maxAttempts: 1, fetch: recordingFetch(seen, { fixEcho: true }) });
      for (const action of CONTROL_PLANE_ACTIONS) {
        const params = parseActionParams(action, SAMPLES[action]);
        const e = await asGenerated.act(action, params as never, { idempotencyKey: `prism-${action}-1` }).then(
          () => null,
          (err: unknown) => err,
        );
        expect(e, `${action} as generated`).toBeInstanceOf(ControlPlaneError);
        expect((e as ControlPlaneError).kind, `${action}: ${(e as Error).message}`).toBe("key-mismatch");
        const ok = await echoFixed.act(action, params as never, { idempotencyKey: `prism-${action}-2` });
        expect(ok.action).toBe(action);
        expect(ok.idempotencyKey).toBe(`prism-${action}-2`);
      }
      expect(seen.length).toBe(28);
      expect(seen.every((s) => s.status === 200)).toBe(true);
      noRequestViolations(seen, prism);
    }
  });

  it("through the relay: forced 400/404/409/422/429/503 end as failures or retries, generated answers are held, none succeeds", async () => {
    const FORCED = [400, 404, 409, 422, 429, 503, undefined] as const;
    for (const prism of [staticPrism, dynamicPrism]) {
      await owner.command.deleteMany({});
      const codeOf = new Map<string, number | undefined>();
      const rows: { id: string; code: number | undefined }[] = [];
      // Every forced code (and none) on two different actions; every action twice.
      for (const [i, action] of [...CONTROL_PLANE_ACTIONS, ...CONTROL_PLANE_ACTIONS].entries()) {
        const code = FORCED[i % FORCED.length];
        const row = await db.$transaction((tx) => enqueueCommand(tx, { action, params: SAMPLES[action], requestedBy: null, consent: { requestedBy: null, approvedBy: ["approver"] } }));
        codeOf.set(row.idempotencyKey, code);
        rows.push({ id: row.id, code });
      }
      const seen: Seen[] = [];
      const fetchWithCodes = recordingFetch(seen, { code: (_url, init) => codeOf.get(new Headers(init?.headers).get("idempotency-key") ?? "") });
      const client = createControlPlaneClient({ baseUrl: prism.url, maxAttempts: 1, fetch: fetchWithCodes });
      const report = await deliverDueCommands({ db, client, limit: rows.length, concurrency: 8 });
      expect(report).toMatchObject({ claimed: rows.length, succeeded: 0, unrecorded: 0 });

      const states = await db.command.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
      for (const r of rows) {
        const row = states.find((s) => s.id === r.id)!;
        const where = `${prism === staticPrism ? "static" : "dynamic"} ${row.action} code ${r.code ?? "none"}: ${row.lastError}`;
        if (r.code === 400 || r.code === 404 || r.code === 422) expect(row.state, where).toBe("FAILED");
        else if (r.code === 409 || r.code === 429 || r.code === 503) {
          // Retried; a generated Retry-After (or retryAfterSeconds) past the cap (300 s) is held for a person instead.
          expect(["PENDING", "NEEDS_DECISION"], where).toContain(row.state);
          if (row.state === "NEEDS_DECISION") expect(row.holdReason, where).toBe("retry-after-too-long");
        } else expect(row).toMatchObject({ state: "NEEDS_DECISION", holdReason: "key-mismatch" });
      }
      expect(seen.length).toBe(rows.length);
      expect(seen.map((s) => s.status).sort()).toEqual(rows.map((r) => r.code ?? 200).sort());
      expect(new Set(rows.map((r) => r.code))).toEqual(new Set(FORCED));
      noRequestViolations(seen, prism);
      expect(await db.auditEvent.count({ where: { action: "command.succeeded" } })).toBe(0);
    }
    expect((await verifyChain(db)).ok).toBe(true);
  });
});

describe("the contract test kit against Prism", () => {
  it("read-only checks pass; --write fails exactly where a mock cannot keep the contract", async () => {
    const read = await runContractChecks({ url: staticPrism.url });
    expect(read.results.filter((r) => !r.ok)).toEqual([]);
    expect(read.passed).toBe(13);

    const write = await runContractChecks({ url: staticPrism.url, write: true });
    const failed = Object.fromEntries(write.results.filter((r) => !r.ok).map((r) => [r.name, r.detail]));
    expect(Object.keys(failed).sort()).toEqual(["write.apply", "write.invalid-params", "write.missing-key"]);
    expect(failed["write.apply"]).toMatch(/echoes idempotency key "string", not the key sent \("contract-check-/);
    // Prism answers an invalid request with the operation's 422 whatever the Prefer header says, and its problem
    // codes are generated text: either way, not the contract's 400 with its code.
    expect(failed["write.missing-key"]).toMatch(/HTTP 422, expected 400|problem code "string", expected "missing-idempotency-key"/);
    expect(failed["write.invalid-params"]).toMatch(/HTTP 422, expected 400|problem code "string", expected "invalid-request"/);
    expect(write.results.filter((r) => r.skipped).map((r) => r.name)).toEqual(["write.replay", "write.key-reused"]);
    expect(write.ok).toBe(false);
  });
});
