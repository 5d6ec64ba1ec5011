import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db, isDatabaseUnavailable, sqlTransaction, type Tx } from "../db";
import type { SqlRunner } from "../sql";
import { appendAudit } from "../audit/log";
import { AuthorizationError, can, type Permission } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { recordAnonymousRefusal } from "../http/anonymous-refusals";
import { log } from "../log";
import { storable } from "../validation/storable";
import { ActionError, type ActionResult } from "./result";

export type ActionContext<I, P = undefined> = { actor: Actor; input: I; tx: Tx; requestId: string; prepared: P };
/** The context of an action declared with `sql: true`: its transaction is a plain-SQL one (lib/sql.ts). */
export type SqlActionContext<I, P = undefined> = { actor: Actor; input: I; sql: SqlRunner; requestId: string; prepared: P };

/** What the action's audit event records; `action` overrides the definition's name (e.g. a more specific verb). */
export type AuditRecord = { action?: string; target?: { type: string; id: string }; details?: Record<string, unknown> };

/** A mutation: its audit name, input schema, the permission it needs, and the change it makes. */
type ActionBase<S extends z.ZodType, T, P> = {
  /** Dotted audit action name, e.g. `run.start`. */
  name: string;
  schema: S;
  permission: Permission;
  /** The object the action touches, read from the input: recorded on refusals too, so they show where they happened. */
  target?: (input: z.output<S>) => { type: string; id: string } | undefined;
  /**
   * Work after the transaction committed (e.g. telling another system); its failure cannot undo the change, so it
   * returns a message for the person instead of throwing.
   */
  afterCommit?: (ctx: { actor: Actor; input: z.output<S>; data: T }) => Promise<string | undefined>;
  /** Optional work before the transaction (e.g. a read from the control plane), so no connection is held meanwhile. */
  prepare?: (ctx: { actor: Actor; input: z.output<S> }) => Promise<P>;
  /**
   * Record expected refusals (ActionError: conflicts, objects not found) in the audit chain too, not only missing
   * permissions: for actions whose every refused attempt matters to a reviewer (access administration).
   */
  auditRefusals?: boolean;
};

/**
 * `run` makes the change inside the transaction and checks the object it touches (throw AuthorizationError or
 * ActionError to refuse). It returns the result and what the audit event records.
 */
export type ActionDefinition<S extends z.ZodType, T, P = undefined> = ActionBase<S, T, P> & {
  sql?: false;
  run: (ctx: ActionContext<z.output<S>, P>) => Promise<{ data: T; audit: AuditRecord }>;
};

/**
 * An action whose transaction runs on a `pg` connection without Prisma (sqlTransaction): for hot paths written in
 * plain SQL, such as run sign-offs, where Prisma's per-query work would dominate.
 */
export type SqlActionDefinition<S extends z.ZodType, T, P = undefined> = ActionBase<S, T, P> & {
  sql: true;
  run: (ctx: SqlActionContext<z.output<S>, P>) => Promise<{ data: T; audit: AuditRecord }>;
};

export type AnyActionDefinition<S extends z.ZodType, T, P = undefined> = ActionDefinition<S, T, P> | SqlActionDefinition<S, T, P>;

export function defineAction<S extends z.ZodType, T, P = undefined>(def: ActionDefinition<S, T, P>) {
  return def;
}

export function defineSqlAction<S extends z.ZodType, T, P = undefined>(def: Omit<SqlActionDefinition<S, T, P>, "sql">): SqlActionDefinition<S, T, P> {
  return { ...def, sql: true };
}

const RETRYABLE = new Set(["40001", "40P01"]);
function isRetryable(e: unknown): boolean {
  const code = (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
  return Boolean(code && RETRYABLE.has(code)) || /could not serialize|deadlock detected/i.test(String((e as Error)?.message));
}

/** Field errors for every invalid field, not only the first. */
function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

async function recordRefusal(name: string, actor: Actor | null, requestId: string, reason: string, extra: Record<string, unknown> = {}, target?: { type: string; id: string }) {
  log.warn("action.refused", { action: name, actorId: actor?.id ?? null, reason, requestId, ...extra });
  try {
    await db().$transaction((tx) =>
      appendAudit(tx, { actor, action: name, outcome: "refused", target, details: { reason, ...extra }, requestId }),
    );
  } catch (e) {
    log.error("audit.refusal.write_failed", { action: name, requestId, err: e });
  }
}

/**
 * Runs a mutation: session → permission → input parse → one transaction that makes the change and appends its
 * audit event. Refusals are logged and audited; unexpected errors are logged in full and reach the person as a
 * short message with a correlation id. Server actions and JSON route handlers both call this.
 */
export async function executeAction<S extends z.ZodType, T, P = undefined>(
  def: AnyActionDefinition<S, T, P>,
  actor: Actor | null,
  rawInput: unknown,
): Promise<ActionResult<T>> {
  const requestId = randomUUID();
  if (!actor) {
    // Not a person's act: logged, and at most one summary per minute in the chain (lib/http/anonymous-refusals.ts).
    await recordAnonymousRefusal({ source: "no-session", endpoint: def.name, reason: "not signed in" });
    return { ok: false, code: "UNAUTHENTICATED", message: "Your session has ended. Sign in again to continue." };
  }
  const parsed = def.schema.safeParse(storable(rawInput));
  // The permission comes before the input's errors: someone who may not act learns nothing about the form, and the
  // refusal is audited whatever they sent (with the object it touches, when the input names one).
  const target = parsed.success ? def.target?.(parsed.data) : undefined;
  if (!can(actor, def.permission)) {
    await recordRefusal(def.name, actor, requestId, `role lacks permission ${def.permission}`, {}, target);
    return { ok: false, code: "FORBIDDEN", message: "You do not have permission to do this." };
  }
  if (!parsed.success) {
    log.info("action.invalid", { action: def.name, actorId: actor.id, requestId, fields: Object.keys(fieldErrors(parsed.error)) });
    const errors = fieldErrors(parsed.error);
    // The first field's message leads, so a form that shows only the message still says what to fix.
    const first = Object.values(errors)[0]?.[0];
    return { ok: false, code: "INVALID", message: first ? `Some fields need attention: ${first}` : "Some fields need attention.", fieldErrors: errors };
  }

  let prepared = undefined as P;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt === 1 && def.prepare) prepared = await def.prepare({ actor, input: parsed.data });
      const record = (client: Tx | SqlRunner, audit: AuditRecord) =>
        appendAudit(client, { actor, action: audit.action ?? def.name, target: audit.target ?? target, details: audit.details, requestId });
      const data = def.sql
        ? await sqlTransaction(async (sql) => {
            const { data, audit } = await def.run({ actor, input: parsed.data, sql, requestId, prepared });
            await record(sql, audit);
            return data;
          })
        : await db().$transaction(async (tx) => {
            const { data, audit } = await def.run({ actor, input: parsed.data, tx, requestId, prepared });
            await record(tx, audit);
            return data;
          });
      log.info("action.ok", { action: def.name, actorId: actor.id, requestId });
      let message: string | undefined;
      if (def.afterCommit) {
        try {
          message = await def.afterCommit({ actor, input: parsed.data, data });
        } catch (e) {
          log.error("action.after_commit_failed", { action: def.name, requestId, err: e });
          message = `Done, but a follow-up step failed (reference ${requestId}).`;
        }
      }
      return { ok: true, data, message };
    } catch (e) {
      if (e instanceof AuthorizationError) {
        await recordRefusal(def.name, actor, requestId, e.message, { permission: e.permission }, target);
        return { ok: false, code: "FORBIDDEN", message: e.message };
      }
      if (e instanceof ActionError) {
        if (def.auditRefusals) await recordRefusal(def.name, actor, requestId, e.message, { code: e.code }, target);
        return { ok: false, code: e.code, message: e.message, fieldErrors: e.fieldErrors };
      }
      if (isRetryable(e) && attempt < 4) continue;
      if (isDatabaseUnavailable(e)) {
        log.error("action.db_unavailable", { action: def.name, requestId, err: e });
        return { ok: false, code: "UNAVAILABLE", message: "The database is unreachable, so nothing was changed. Try again in a moment.", correlationId: requestId };
      }
      log.error("action.failed", { action: def.name, actorId: actor.id, requestId, err: e });
      return { ok: false, code: "INTERNAL", message: "Something went wrong and nothing was changed.", correlationId: requestId };
    }
  }
}

/**
 * FormData → plain object (repeated keys become arrays), for schemas shared by forms and JSON callers. A field named
 * `__proto__` is dropped (assigned, it would replace the object's prototype), and only the object's own fields count
 * as repeated (a field named `toString` is a field, not a repeat of Object.prototype.toString).
 */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION") || key === "__proto__") continue;
    const v = typeof value === "string" ? value : value.name;
    if (Object.hasOwn(out, key)) out[key] = ([] as unknown[]).concat(out[key], v);
    else out[key] = v;
  }
  return out;
}
