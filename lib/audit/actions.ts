/**
 * The audit review's actions, each through the action wrapper (permission, refusals audited, one transaction with
 * its audit event): verifying the chain, signing a head, verifying against an exported head, and recording an
 * export or an evidence bundle before it streams. Verification runs in `prepare`, outside the transaction.
 */
import { z } from "zod";
import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, can } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { db, type Db, type Tx } from "../db";
import { verifyChainOnce } from "./verify-once";
import type { VerifyResult } from "./chain";
import { verifyChain } from "./log";
import { exportHead, headAuditDetails, insertHead, loadAnchors, prepareHead, verifyAgainstHead, type HeadCheck } from "./heads";
import { anchorHead, anchorsForChain, compareAnchors, readAnchorFile, type AnchorReport } from "./anchor";
import { anchorSettings, env, type AnchorSettings } from "../env";
import { bundleRequestSchema, exportRequestSchema, filterToQuery, signHeadSchema, verifyHeadSchema } from "../validation/audit";

type ReportExtra = { headsChecked: number; invalidHeads: string[]; ms: number; path?: "parallel" | "sequential"; anchors?: AnchorReport };

/**
 * A verification result in plain JSON (for server actions, route handlers and audit details). `ok` is the chain
 * walk's verdict, checked against the database's signed heads and the anchored ones; `anchors` compares the anchor
 * file with the database's heads (a deleted or rewritten head shows there even where the events still link up).
 */
export type ChainReport =
  | ({ ok: true; events: number; headSeq: string | null; headHash: string } & ReportExtra)
  | ({ ok: false; verifiedBeforeBreak: number; seq: string; problem: string; detail: string; range: { from: string; to: string } | null } & ReportExtra);

export function chainReport(v: VerifyResult, extra: ReportExtra): ChainReport {
  return v.ok
    ? { ok: true, events: v.count, headSeq: v.headSeq?.toString() ?? null, headHash: v.headHash, ...extra }
    : { ok: false, verifiedBeforeBreak: v.count, seq: v.seq.toString(), problem: v.problem, detail: v.detail, range: v.range ? { from: v.range.from.toString(), to: v.range.to.toString() } : null, ...extra };
}

/**
 * The whole chain, from the genesis, checked against every validly signed head on the way — those in the database
 * and those in the anchor file outside it — and the anchor file compared with the database's heads.
 */
export async function verifyWholeChain(client: Db | Tx, key: string | undefined, settings: AnchorSettings = anchorSettings()): Promise<ChainReport> {
  const started = performance.now();
  const { anchors, invalid } = await loadAnchors(client, key);
  const file = settings.AUDIT_ANCHOR_FILE;
  const read = await readAnchorFile(file).catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
  const anchored = "error" in read ? [] : anchorsForChain(read, key);
  let path: "parallel" | "sequential" = "sequential";
  const result = await verifyChain(client, { anchors: [...anchors, ...anchored], onPath: (p) => (path = p) });
  const [heads, end] = await Promise.all([
    client.chainHead.findMany({ orderBy: { id: "asc" } }),
    client.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }),
  ]);
  const report = compareAnchors({ file, webhook: Boolean(settings.AUDIT_ANCHOR_WEBHOOK_URL), read, heads, logEnd: end?.seq ?? null, key });
  return chainReport(result, { headsChecked: anchors.length + anchored.length, invalidHeads: invalid.map((h) => h.id.toString()), ms: Math.round(performance.now() - started), path, anchors: report });
}

function hmacKey(): string {
  const key = env().AUDIT_HMAC_KEY;
  if (!key) throw new ActionError("CONFLICT", "AUDIT_HMAC_KEY is not set on this server, so heads cannot be signed or checked.");
  return key;
}

/** Verifies the whole chain and records who checked and what they found. */
export const verifyChainAction = defineAction({
  name: "audit.chain.verified",
  schema: z.object({}),
  permission: "audit.verify",
  // One walk at a time in the whole portal: a second request joins the running one, or is told another replica runs it.
  prepare: () => verifyChainOnce(db(), () => verifyWholeChain(db(), env().AUDIT_HMAC_KEY)),
  run: async ({ prepared }) => ({ data: prepared, audit: { details: { ...prepared } } }),
});

export type SignHeadResult = { signed: true; head: ReturnType<typeof exportHead>; verifiedEvents: number } | { signed: false; message: string };

/** Verifies the events since the last signed head and signs a head over them (before/after: the previous and new head). */
export const signHeadAction = defineAction({
  name: "audit.head.signed",
  schema: signHeadSchema,
  permission: "audit.head.sign",
  prepare: async () => {
    const key = hmacKey();
    return { key, prepared: await prepareHead(db(), db(), key) };
  },
  async run({ actor, input, tx, prepared: { key, prepared } }): Promise<{ data: SignHeadResult; audit: { action?: string; target?: { type: string; id: string }; details: Record<string, unknown> } }> {
    if (!prepared.ok) {
      const v = prepared.verification;
      return { data: { signed: false, message: prepared.message }, audit: { action: "audit.head.not_signed", details: { message: prepared.message, problem: v && !v.ok ? v.problem : null, seq: v && !v.ok ? v.seq.toString() : null } } };
    }
    const head = await insertHead(tx, key, prepared, `on demand by ${actor.email}${input.note ? `: ${input.note}` : ""}`);
    return {
      data: { signed: true, head: exportHead(head), verifiedEvents: prepared.verified.count },
      audit: { target: { type: "chain_head", id: head.id.toString() }, details: headAuditDetails(prepared.previous, head, prepared.verified) },
    };
  },
  // Outside the database, once the head is committed (a head anchored and then rolled back would read as deleted).
  afterCommit: async ({ data }) => {
    if (!data.signed) return undefined;
    const h = data.head;
    const anchored = await anchorHead({ id: BigInt(h.id), seq: BigInt(h.seq), hash: h.hash, hmac: h.hmac, at: new Date(h.at), reason: h.reason });
    return anchored.ok ? undefined : anchored.message;
  },
});

export type HeadCheckReport = Omit<HeadCheck, "chain"> & { head: { id: string | null; seq: string; hash: string }; chain: ChainReport };

/** Checks the log against an exported head (pasted or uploaded): only appended to since, or how it was changed. */
export const verifyHeadAction = defineAction({
  name: "audit.head.verified",
  schema: verifyHeadSchema,
  permission: "audit.verify",
  prepare: async ({ input }): Promise<HeadCheckReport> => {
    const key = hmacKey();
    const started = performance.now();
    const { anchors, invalid } = await loadAnchors(db(), key);
    const check = await verifyAgainstHead(db(), key, input.head, anchors);
    return {
      ...check,
      head: { id: input.head.id ?? null, seq: input.head.seq, hash: input.head.hash },
      chain: chainReport(check.chain, { headsChecked: anchors.length + 1, invalidHeads: invalid.map((h) => h.id.toString()), ms: Math.round(performance.now() - started) }),
    };
  },
  run: async ({ prepared }) => ({
    data: prepared,
    audit: { details: { head: prepared.head, verdict: prepared.verdict, signature: prepared.signature, stored: prepared.stored, appendedSince: prepared.appendedSince, chain: prepared.chain } },
  }),
});

/** Whose events an export may hold. */
export function exportScope(actor: Actor): "all" | "own" {
  return can(actor, "audit.view.all") ? "all" : "own";
}

/** Records an export (its format, filter, scope and snapshot) before the file streams. */
export const exportAuditAction = defineAction({
  name: "audit.exported",
  schema: exportRequestSchema,
  permission: "audit.export",
  async run({ actor, input, tx, requestId }) {
    const latest = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    const through = (latest?.seq ?? 0n).toString();
    const scope = exportScope(actor);
    const filter = filterToQuery(input.filter);
    return { data: { through, scope, filter, format: input.format, requestId }, audit: { details: { format: input.format, filter, scope, through } } };
  },
});

/** Records an evidence bundle's export; bundles hold everyone's actions, so only full-view roles may take one. */
export const exportBundleAction = defineAction({
  name: "audit.exported",
  schema: bundleRequestSchema,
  permission: "audit.export",
  target: (input) => ({ type: "incident", id: input.incidentId }),
  async run({ actor, input, tx, requestId }) {
    if (!can(actor, "audit.view.all")) {
      throw new AuthorizationError("audit.view.all", "An evidence bundle holds everyone's actions: only auditors, InfoSec and incident commanders may export one.");
    }
    const incident = await tx.incident.findUnique({ where: { id: input.incidentId }, select: { id: true } });
    if (!incident) throw new ActionError("NOT_FOUND", "There is no such incident.");
    return { data: { incidentId: input.incidentId, format: input.format, requestId }, audit: { details: { format: `bundle-${input.format}`, incidentId: input.incidentId } } };
  },
});
