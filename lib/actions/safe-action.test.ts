import { hash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { attachConnection } from "../db-connection";
import { GENESIS_HASH, ChainVerifier, type StoredEvent } from "../audit/chain";
import { AuthorizationError } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { ActionError } from "./result";
import { defineAction, defineSqlAction, executeAction, formDataToObject } from "./safe-action";

describe("formDataToObject", () => {
  it("keeps single values, gathers repeated keys and drops Next's action fields", () => {
    const form = new FormData();
    form.append("runbookId", "RB-CORE-001");
    form.append("repos", "a");
    form.append("repos", "b");
    form.append("$ACTION_ID_123", "");
    expect(formDataToObject(form)).toEqual({ runbookId: "RB-CORE-001", repos: ["a", "b"] });
  });

  it("gathers a key repeated three times in order and reads a file field as its name", () => {
    const form = new FormData();
    for (const repo of ["a", "b", "c"]) form.append("repos", repo);
    form.append("evidence", new File(["log"], "incident.log"));
    form.append("note", "$ACTION is kept when it is a value");
    expect(formDataToObject(form)).toEqual({ repos: ["a", "b", "c"], evidence: "incident.log", note: "$ACTION is kept when it is a value" });
  });

  it("drops a field named __proto__ and reads one named toString as a field", () => {
    const form = new FormData();
    form.append("__proto__", "x");
    form.append("toString", "y");
    form.append("notes", "a\u0000b");
    const out = formDataToObject(form);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out).toEqual({ toString: "y", notes: "a\u0000b" });
  });
});

/**
 * An in-memory stand-in for PostgreSQL as the action wrapper uses it: Prisma transactions and plain-SQL transactions
 * on a pooled connection, each able to call `audit_append`, which numbers and hashes the event as the SQL function does.
 * Events appended in a transaction are kept only when it commits.
 */
function fakeDatabase() {
  const events: StoredEvent[] = [];
  const state = { failAuditWrites: false, prismaTransactions: 0, sqlTransactions: 0, rollbacks: 0, released: 0 };

  const windows = new Map<string, number>();
  function auditAppend(pending: StoredEvent[], sql: string, params: unknown[]) {
    if (sql.includes("INSERT INTO rate_window")) {
      // lib/http/rate-limit.ts's fixed window, all hits in one window
      const key = params[0] as string;
      windows.set(key, (windows.get(key) ?? 0) + 1);
      return [{ count: windows.get(key), previousCount: 0, retryAfter: 60 }];
    }
    if (!sql.includes("audit_append(")) throw new Error(`fake database: unexpected SQL ${sql}`);
    if (state.failAuditWrites) throw new Error("fake database: audit write failed");
    const [at, actorId, actorEmail, actorRoles, action, outcome, targetType, targetId, details, requestId, head, tail] = params as [Date, string | null, string | null, string[], string, string, string | null, string | null, string, string | null, string, string];
    const all = [...events, ...pending];
    const seq = BigInt(all.length + 1);
    const prevHash = all.at(-1)?.hash ?? GENESIS_HASH;
    const eventHash = hash("sha256", `${prevHash}\n${head}${seq}${tail}`, "hex");
    pending.push({ seq, at, actorId, actorEmail, actorRoles, action, outcome, targetType, targetId, details: JSON.parse(details), requestId, prevHash, hash: eventHash });
    return [{ seq: seq.toString(), prevHash, hash: eventHash }];
  }

  const client = {
    async $transaction<T>(fn: (tx: unknown) => Promise<T>): Promise<T> {
      state.prismaTransactions++;
      const pending: StoredEvent[] = [];
      const tx = { $queryRawUnsafe: async (sql: string, ...params: unknown[]) => auditAppend(pending, sql, params) };
      const result = await fn(tx);
      events.push(...pending);
      return result;
    },
  };

  const pool = {
    async connect() {
      let pending: StoredEvent[] = [];
      return {
        on() {},
        removeListener() {},
        release() {
          state.released++;
        },
        async query(q: string | { text: string; values?: unknown[] }) {
          if (typeof q !== "string") return { rows: auditAppend(pending, q.text, q.values ?? []) };
          if (q.startsWith("BEGIN")) {
            state.sqlTransactions++;
            pending = [];
          } else if (q === "COMMIT") events.push(...pending);
          else if (q === "ROLLBACK") state.rollbacks++;
          return { rows: [] };
        },
      };
    },
  };
  attachConnection(client, { url: "postgres://fake", pool: pool as never });
  return { client, events, state };
}

/** Structured log lines written while an action runs, parsed. */
/** Every log line from debug up, whatever LOG_LEVEL the run has (`npm test` runs with warn). */
function captureLogs() {
  vi.stubEnv("LOG_LEVEL", "debug");
  const lines: Record<string, unknown>[] = [];
  const keep = (chunk: unknown) => {
    for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(keep);
  vi.spyOn(process.stderr, "write").mockImplementation(keep);
  return {
    lines,
    find: (msg: string) => lines.filter((l) => l.msg === msg),
  };
}

const sre: Actor = { id: "00000000-0000-4000-8000-000000000001", email: "sam.rivera@ops.example", name: "Sam Rivera", roles: ["SRE"] };
const owner: Actor = { id: "00000000-0000-4000-8000-000000000002", email: "olu.owner@ops.example", name: "Olu Owner", roles: ["REPO_OWNER"] };

const startSchema = z.object({ runbookId: z.string().min(3, "Pick a runbook."), repos: z.array(z.string().min(1, "Name the repo.")).min(1, "Pick at least one repo."), count: z.coerce.number().int("Whole numbers only.").optional() });

type Ctx = { input: z.output<typeof startSchema>; requestId: string; prepared: unknown; actor: Actor };

/** A test action on `run.start` whose change is whatever `change` does (by default it returns the runbook id). */
function startAction(change: (ctx: Ctx) => Promise<{ data: unknown; audit: { action?: string; target?: { type: string; id: string }; details?: Record<string, unknown> } }> = async ({ input }) => ({ data: input.runbookId, audit: { details: { repos: input.repos } } }), extra: { afterCommit?: () => Promise<string | undefined>; prepare?: () => Promise<unknown> } = {}) {
  return defineAction({ name: "run.start", schema: startSchema, permission: "run.start", target: (input) => ({ type: "runbook", id: input.runbookId }), run: change, ...extra });
}

const valid = { runbookId: "RB-CORE-001", repos: ["checkout"] };

let database: ReturnType<typeof fakeDatabase>;
let logs: ReturnType<typeof captureLogs>;
const globalForDb = globalThis as unknown as { portalDb?: unknown };

beforeEach(() => {
  database = fakeDatabase();
  globalForDb.portalDb = database.client;
  logs = captureLogs();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  delete globalForDb.portalDb;
});

describe("executeAction: who may act", () => {
  it("refuses a signed-out caller with UNAUTHENTICATED; the chain gets one summary a minute, not an event per call", async () => {
    const run = vi.fn();
    for (let i = 0; i < 3; i++) {
      const result = await executeAction(startAction(run), null, valid);
      expect(result).toEqual({ ok: false, code: "UNAUTHENTICATED", message: "Your session has ended. Sign in again to continue." });
    }
    expect(run).not.toHaveBeenCalled();
    expect(database.events).toHaveLength(1);
    expect(database.events[0]).toMatchObject({ action: "http.anonymous_refused", outcome: "refused", actorId: null, actorEmail: null, actorRoles: [], details: { source: "no-session", endpoint: "run.start", reason: "not signed in" } });
    expect(logs.find("http.refused_anonymous")).toEqual(Array.from({ length: 3 }, () => expect.objectContaining({ level: "warn", endpoint: "run.start", source: "no-session", reason: "not signed in" })));
  });

  it("refuses a role without the permission with FORBIDDEN, auditing the reason and the object it would have touched", async () => {
    const run = vi.fn();
    const result = await executeAction(startAction(run), owner, valid);
    expect(result).toEqual({ ok: false, code: "FORBIDDEN", message: "You do not have permission to do this." });
    expect(run).not.toHaveBeenCalled();
    expect(database.events).toHaveLength(1);
    expect(database.events[0]).toMatchObject({ action: "run.start", outcome: "refused", actorId: owner.id, actorEmail: owner.email, actorRoles: ["REPO_OWNER"], targetType: "runbook", targetId: "RB-CORE-001", details: { reason: "role lacks permission run.start" } });
    expect(logs.find("action.refused")).toEqual([expect.objectContaining({ action: "run.start", actorId: owner.id, reason: "role lacks permission run.start" })]);
  });

  it("checks the permission before the input: malformed input from a role without it is FORBIDDEN and audited, with no field feedback", async () => {
    const run = vi.fn();
    const result = await executeAction(startAction(run), owner, { runbookId: 42 });
    expect(result).toEqual({ ok: false, code: "FORBIDDEN", message: "You do not have permission to do this." });
    expect(run).not.toHaveBeenCalled();
    expect(database.events).toHaveLength(1);
    expect(database.events[0]).toMatchObject({ action: "run.start", outcome: "refused", actorId: owner.id, targetType: null, targetId: null, details: { reason: "role lacks permission run.start" } });
  });

  it("still refuses (and logs why) when the refusal's audit event cannot be written", async () => {
    database.state.failAuditWrites = true;
    const result = await executeAction(startAction(), owner, valid);
    expect(result).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(database.events).toEqual([]);
    const [failed] = logs.find("audit.refusal.write_failed");
    expect(failed).toMatchObject({ level: "error", action: "run.start", err: { message: "fake database: audit write failed" } });
    expect(failed.requestId).toBe(logs.find("action.refused")[0].requestId);
  });

  it("turns an AuthorizationError from the object check into FORBIDDEN with its message, audited with the permission, and undoes the change", async () => {
    const result = await executeAction(
      startAction(async () => {
        throw new AuthorizationError("run.start", "You do not own this repo.");
      }),
      sre,
      valid,
    );
    expect(result).toEqual({ ok: false, code: "FORBIDDEN", message: "You do not own this repo." });
    expect(database.events).toHaveLength(1);
    expect(database.events[0]).toMatchObject({ outcome: "refused", actorId: sre.id, targetType: "runbook", targetId: "RB-CORE-001", details: { reason: "You do not own this repo.", permission: "run.start" } });
    expect(logs.find("action.refused")[0]).toMatchObject({ reason: "You do not own this repo.", permission: "run.start" });
  });
});

describe("executeAction: input", () => {
  it("reports every invalid field, nested ones by dotted path and several messages for one field, without running the change", async () => {
    const run = vi.fn();
    const result = await executeAction(startAction(run), sre, { runbookId: "R", repos: ["", ""], count: "1.5" });
    expect(result).toEqual({
      ok: false,
      code: "INVALID",
      message: "Some fields need attention: Pick a runbook.",
      fieldErrors: { runbookId: ["Pick a runbook."], "repos.0": ["Name the repo."], "repos.1": ["Name the repo."], count: ["Whole numbers only."] },
    });
    expect(run).not.toHaveBeenCalled();
    expect(database.events).toEqual([]);
    expect(logs.find("action.invalid")).toEqual([expect.objectContaining({ level: "info", action: "run.start", actorId: sre.id, fields: ["runbookId", "repos.0", "repos.1", "count"] })]);
  });

  it("files errors about the input as a whole under _form, and gathers several messages for one field", async () => {
    const schema = z
      .object({ code: z.string().min(4, "Too short.").regex(/^\d+$/, "Digits only.") })
      .refine(() => false, "The form is not right.");
    const action = defineAction({ name: "test.code", schema, permission: "run.start", run: async () => ({ data: null, audit: {} }) });
    const result = await executeAction(action, sre, { code: "ab" });
    expect(result).toMatchObject({ code: "INVALID", fieldErrors: { code: ["Too short.", "Digits only."] } });
    const whole = await executeAction(action, sre, { code: "1234" });
    expect(whole).toMatchObject({ code: "INVALID", fieldErrors: { _form: ["The form is not right."] } });
  });

  it("replaces NUL characters in the input before the change sees it", async () => {
    const result = await executeAction(startAction(), sre, { runbookId: "RB-\u0000CORE", repos: ["checkout"] });
    expect(result).toMatchObject({ ok: true, data: "RB-\uFFFDCORE" });
  });
});

describe("executeAction: the change and its audit event", () => {
  it("runs the change in a Prisma transaction and records its audit event in it, under the action's name and target", async () => {
    let seen: Ctx | undefined;
    const result = await executeAction(
      startAction(async (ctx) => {
        seen = ctx;
        return { data: { runId: "run-1" }, audit: { details: { repos: ctx.input.repos } } };
      }),
      sre,
      { ...valid, count: "3" },
    );
    expect(result).toEqual({ ok: true, data: { runId: "run-1" }, message: undefined });
    expect(seen).toMatchObject({ actor: sre, input: { runbookId: "RB-CORE-001", repos: ["checkout"], count: 3 }, prepared: undefined });
    expect(database.state).toMatchObject({ prismaTransactions: 1, sqlTransactions: 0 });
    expect(database.events).toHaveLength(1);
    expect(database.events[0]).toMatchObject({ action: "run.start", outcome: "allowed", actorId: sre.id, actorEmail: sre.email, actorRoles: ["SRE"], targetType: "runbook", targetId: "RB-CORE-001", details: { repos: ["checkout"] }, requestId: seen!.requestId });
    expect(logs.find("action.ok")).toEqual([expect.objectContaining({ level: "info", action: "run.start", actorId: sre.id, requestId: seen!.requestId })]);
    const verifier = new ChainVerifier();
    verifier.push(database.events);
    expect(verifier.result()).toMatchObject({ ok: true, count: 1 });
  });

  it("lets the change name a more specific audit action and target", async () => {
    await executeAction(startAction(async () => ({ data: 1, audit: { action: "run.start.dry", target: { type: "run", id: "run-9" } } })), sre, valid);
    expect(database.events[0]).toMatchObject({ action: "run.start.dry", targetType: "run", targetId: "run-9", details: {} });
  });

  it("records no target when the action declares none", async () => {
    const action = defineAction({ name: "audit.head.sign", schema: z.object({}), permission: "audit.head.sign", run: async () => ({ data: "signed", audit: {} }) });
    const auditor: Actor = { ...sre, roles: ["AUDITOR"] };
    expect(await executeAction(action, auditor, {})).toMatchObject({ ok: true, data: "signed" });
    expect(database.events[0]).toMatchObject({ action: "audit.head.sign", targetType: null, targetId: null });
    expect(await executeAction(action, owner, {})).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(database.events[1]).toMatchObject({ outcome: "refused", targetType: null, targetId: null });
  });

  it("runs a plain-SQL action on a pooled connection and commits its audit event with it", async () => {
    let seen: object = {};
    const action = defineSqlAction({
      name: "run.step.signoff",
      schema: z.object({ stepId: z.string() }),
      permission: "run.step.signoff",
      run: async (ctx) => {
        seen = ctx;
        return { data: ctx.input.stepId, audit: { target: { type: "step", id: ctx.input.stepId } } };
      },
    });
    expect(action.sql).toBe(true);
    expect(await executeAction(action, sre, { stepId: "s-1" })).toEqual({ ok: true, data: "s-1", message: undefined });
    expect(seen).toHaveProperty("sql", expect.any(Function));
    expect(seen).not.toHaveProperty("tx");
    expect(database.state).toMatchObject({ prismaTransactions: 0, sqlTransactions: 1, rollbacks: 0, released: 1 });
    expect(database.events).toEqual([expect.objectContaining({ action: "run.step.signoff", targetType: "step", targetId: "s-1" })]);
  });

  it("rolls a plain-SQL action back when its change fails", async () => {
    const action = defineSqlAction({
      name: "run.step.signoff",
      schema: z.object({ stepId: z.string() }),
      permission: "run.step.signoff",
      run: async () => {
        throw new ActionError("CONFLICT", "The step was already signed.");
      },
    });
    expect(await executeAction(action, sre, { stepId: "s-1" })).toEqual({ ok: false, code: "CONFLICT", message: "The step was already signed.", fieldErrors: undefined });
    expect(database.state).toMatchObject({ sqlTransactions: 1, rollbacks: 1 });
    expect(database.events).toEqual([]);
  });

  it("returns an ActionError as a value with its code, message and field errors, writing no event", async () => {
    const result = await executeAction(
      startAction(async () => {
        throw new ActionError("NOT_FOUND", "No such runbook.", { runbookId: ["Unknown runbook."] });
      }),
      sre,
      valid,
    );
    expect(result).toEqual({ ok: false, code: "NOT_FOUND", message: "No such runbook.", fieldErrors: { runbookId: ["Unknown runbook."] } });
    expect(database.events).toEqual([]);
    expect(logs.find("action.refused")).toEqual([]);
  });

  it("fails the change when its audit event cannot be written", async () => {
    database.state.failAuditWrites = true;
    const result = await executeAction(startAction(), sre, valid);
    expect(result).toMatchObject({ ok: false, code: "INTERNAL" });
    expect(database.events).toEqual([]);
  });
});

describe("executeAction: work before and after the transaction", () => {
  it("passes what prepare read to the change, and prepares once even when the transaction is retried", async () => {
    const prepare = vi.fn(async () => ({ quota: 7 }));
    const seen: unknown[] = [];
    let attempts = 0;
    const action = startAction(
      async ({ prepared, actor, input }) => {
        seen.push(prepared);
        if (++attempts === 1) throw Object.assign(new Error("conflict"), { code: "40001" });
        return { data: { actor: actor.id, input: input.runbookId }, audit: {} };
      },
      { prepare },
    );
    expect(await executeAction(action, sre, valid)).toMatchObject({ ok: true, data: { actor: sre.id, input: "RB-CORE-001" } });
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(prepare).toHaveBeenCalledWith({ actor: sre, input: { runbookId: "RB-CORE-001", repos: ["checkout"] } });
    expect(seen).toEqual([{ quota: 7 }, { quota: 7 }]);
  });

  it("returns the follow-up step's message after the commit", async () => {
    const afterCommit = vi.fn(async () => "Run started; the control plane was told.");
    const result = await executeAction(startAction(undefined, { afterCommit }), sre, valid);
    expect(result).toEqual({ ok: true, data: "RB-CORE-001", message: "Run started; the control plane was told." });
    expect(afterCommit).toHaveBeenCalledWith({ actor: sre, input: valid, data: "RB-CORE-001" });
  });

  it("keeps the committed change when the follow-up step fails, and says so with a reference", async () => {
    const result = await executeAction(
      startAction(undefined, {
        afterCommit: async () => {
          throw new Error("control plane down");
        },
      }),
      sre,
      valid,
    );
    expect(database.events).toHaveLength(1);
    const requestId = database.events[0].requestId;
    expect(result).toEqual({ ok: true, data: "RB-CORE-001", message: `Done, but a follow-up step failed (reference ${requestId}).` });
    expect(logs.find("action.after_commit_failed")).toEqual([expect.objectContaining({ level: "error", action: "run.start", requestId, err: expect.objectContaining({ message: "control plane down" }) })]);
  });
});

describe("executeAction: failures", () => {
  const failing = (error: unknown) => {
    let calls = 0;
    const action = startAction(async () => {
      calls++;
      throw error;
    });
    return { action, calls: () => calls };
  };

  it.each([
    ["a serialization failure", Object.assign(new Error("tx failed"), { code: "40001" })],
    ["a deadlock", Object.assign(new Error("tx failed"), { code: "40P01" })],
    ["a wrapped serialization failure", Object.assign(new Error("tx failed"), { cause: { code: "40001" } })],
    ["a message saying it could not serialize", new Error("ERROR: Could not serialize access due to concurrent update")],
    ["a message saying a deadlock was detected", new Error("ERROR: deadlock detected")],
  ])("retries %s up to four attempts in all, then reports INTERNAL", async (_name, error) => {
    const { action, calls } = failing(error);
    expect(await executeAction(action, sre, valid)).toMatchObject({ ok: false, code: "INTERNAL" });
    expect(calls()).toBe(4);
  });

  it("succeeds when a retried transaction goes through on the last attempt", async () => {
    let calls = 0;
    const action = startAction(async () => {
      if (++calls < 4) throw Object.assign(new Error("tx failed"), { code: "40P01" });
      return { data: "fourth time", audit: {} };
    });
    expect(await executeAction(action, sre, valid)).toMatchObject({ ok: true, data: "fourth time" });
    expect(database.events).toHaveLength(1);
  });

  it.each([
    ["another SQL error code", Object.assign(new Error("duplicate key"), { code: "23505" })],
    ["an error whose cause has another code", Object.assign(new Error("duplicate key"), { cause: { code: "23505" } })],
    ["an ordinary error", new Error("boom")],
  ])("does not retry %s", async (_name, error) => {
    const { action, calls } = failing(error);
    expect(await executeAction(action, sre, valid)).toMatchObject({ ok: false, code: "INTERNAL" });
    expect(calls()).toBe(1);
  });

  it("reports an unexpected error as INTERNAL with a correlation id under which the full error is logged", async () => {
    const result = await executeAction(failing(new Error("null value in column \"runId\"")).action, sre, valid);
    expect(result).toEqual({ ok: false, code: "INTERNAL", message: "Something went wrong and nothing was changed.", correlationId: expect.any(String) });
    const correlationId = (result as { correlationId: string }).correlationId;
    expect(logs.find("action.failed")).toEqual([expect.objectContaining({ level: "error", action: "run.start", actorId: sre.id, requestId: correlationId, err: expect.objectContaining({ message: 'null value in column "runId"' }) })]);
    expect(database.events).toEqual([]);
  });

  it("reports INTERNAL for a thrown value that is not an Error", async () => {
    for (const thrown of [undefined, null, "plain text"]) {
      const { action, calls } = failing(thrown);
      expect(await executeAction(action, sre, valid)).toMatchObject({ ok: false, code: "INTERNAL" });
      expect(calls()).toBe(1);
    }
  });

  it("reports an unreachable database as UNAVAILABLE with a correlation id, without retrying", async () => {
    const { action, calls } = failing(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }));
    const result = await executeAction(action, sre, valid);
    expect(result).toEqual({ ok: false, code: "UNAVAILABLE", message: "The database is unreachable, so nothing was changed. Try again in a moment.", correlationId: expect.any(String) });
    expect(calls()).toBe(1);
    expect(logs.find("action.db_unavailable")).toEqual([expect.objectContaining({ level: "error", action: "run.start", requestId: (result as { correlationId: string }).correlationId, err: expect.objectContaining({ message: "connect ECONNREFUSED 127.0.0.1:5432" }) })]);
    expect(logs.find("action.failed")).toEqual([]);
  });

  it("gives each call its own correlation id", async () => {
    const { action } = failing(new Error("boom"));
    const a = (await executeAction(action, sre, valid)) as { correlationId: string };
    const b = (await executeAction(action, sre, valid)) as { correlationId: string };
    expect(a.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.correlationId).not.toBe(b.correlationId);
  });
});
