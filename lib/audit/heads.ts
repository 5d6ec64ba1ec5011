/**
 * Signed chain heads: a head is (seq, hash) of a verified event, with an HMAC under AUDIT_HMAC_KEY (kept out of the
 * database). Heads are recorded periodically and on demand, exported as JSON, and later prove the log was only
 * appended to: the event at the head's seq must still have the head's hash, and the chain must verify from the
 * genesis through it and on to today's head.
 */
import type { Db, Tx } from "../db";
import { headSignatureValid, signHead, type ChainAnchor, type VerifyResult } from "./chain";
import { verifyChain } from "./log";
import { runnerOf, type SqlRunner } from "../sql";
import type { ExportedHead } from "../validation/audit";
import { anchorSettings } from "../env";
import { lastAnchored, readAnchorFile } from "./anchor";
import { log } from "../log";

export type HeadRow = { id: bigint; seq: bigint; hash: string; hmac: string; at: Date; reason: string };

/** The JSON an exported head is (the verify form and evidence bundles take the same object). */
export function exportHead(h: HeadRow): ExportedHead & { id: string; at: string; reason: string; note: string } {
  return {
    format: "orchestrator-audit-head/v1",
    id: h.id.toString(),
    seq: h.seq.toString(),
    hash: h.hash,
    hmac: h.hmac,
    at: h.at.toISOString(),
    reason: h.reason,
    note: "hmac = HMAC-SHA256(AUDIT_HMAC_KEY, `${seq}:${hash}`). Paste this file into Audit → Chain heads → Verify against a head to prove the log was only appended to since.",
  };
}

/** Heads, newest first. */
export async function listHeads(client: Db | Tx, limit = 50): Promise<HeadRow[]> {
  return client.chainHead.findMany({ orderBy: [{ seq: "desc" }, { id: "desc" }], take: limit });
}

/**
 * Every stored head as an anchor for verification, with its signature checked: a head whose HMAC does not verify
 * (the head table was edited, or the key changed) is returned apart and not trusted.
 */
export async function loadAnchors(client: Db | Tx, key: string | undefined): Promise<{ anchors: ChainAnchor[]; invalid: HeadRow[] }> {
  const heads = await client.chainHead.findMany({ orderBy: { seq: "asc" } });
  if (!key) return { anchors: [], invalid: [] };
  const anchors: ChainAnchor[] = [];
  const invalid: HeadRow[] = [];
  for (const h of heads) {
    if (headSignatureValid(key, h.seq, h.hash, h.hmac)) anchors.push({ seq: h.seq, hash: h.hash, label: `signed head #${h.id} (${h.at.toISOString().slice(0, 16).replace("T", " ")} UTC)` });
    else invalid.push(h);
  }
  return { anchors, invalid };
}

export type HeadSummary = { id: string; seq: string; hash: string; at: string; reason: string };
const summary = (h: HeadRow): HeadSummary => ({ id: h.id.toString(), seq: h.seq.toString(), hash: h.hash, at: h.at.toISOString(), reason: h.reason });

export type PreparedHead =
  | { ok: true; seq: bigint; hash: string; previous: HeadRow | null; verified: { from: bigint; count: number } }
  | { ok: false; previous: HeadRow | null; verification: VerifyResult | null; message: string };

/**
 * Verifies the chain up to its current end before a head is signed over it: from the last validly signed head on
 * (whose event must still have the head's hash), or from the genesis when there is none. Never signs over a break,
 * nor over a chain that no longer has the hash of the newest head in the anchor file (lib/audit/anchor.ts): a
 * rewrite with recomputed hashes and re-signed heads in the database gets no fresh signature from the portal.
 */
export async function prepareHead(client: Db | Tx | SqlRunner, heads: Db | Tx, key: string, anchorFile: string = anchorSettings().AUDIT_ANCHOR_FILE): Promise<PreparedHead> {
  const run = runnerOf(client);
  const all = await heads.chainHead.findMany({ orderBy: [{ seq: "desc" }, { id: "desc" }], take: 20 });
  const previous = all.find((h) => headSignatureValid(key, h.seq, h.hash, h.hmac)) ?? null;
  const file = await readAnchorFile(anchorFile).catch((e: unknown) => {
    log.warn("audit.anchor.unreadable", { file: anchorFile, err: e });
    return null;
  });
  const anchored = file && lastAnchored(file, key);
  if (anchored) {
    const [stored] = await run<{ hash: string }>(`SELECT hash FROM audit_event WHERE seq = $1::bigint`, [anchored.seq]);
    if (!stored || stored.hash !== anchored.hash) {
      return { ok: false, previous, verification: null, message: `Event ${anchored.seq} ${stored ? "no longer has the hash" : "is gone, though"} anchored head #${anchored.id} recorded outside the database: the log was rewritten. Verify the whole chain; no head was signed.` };
    }
  }
  if (previous) {
    const [stored] = await run<{ hash: string }>(`SELECT hash FROM audit_event WHERE seq = $1::bigint`, [previous.seq.toString()]);
    if (!stored || stored.hash !== previous.hash) {
      return { ok: false, previous, verification: null, message: `Event ${previous.seq} ${stored ? "no longer has the hash" : "is gone, though"} signed head #${previous.id} recorded: verify the whole chain.` };
    }
  }
  const verification = await verifyChain(run, previous ? { start: { seq: previous.seq, hash: previous.hash } } : {});
  if (!verification.ok) return { ok: false, previous, verification, message: `The chain is broken at event ${verification.seq} (${verification.problem}): ${verification.detail}. No head was signed.` };
  const seq = verification.headSeq ?? previous?.seq ?? null;
  if (seq === null) return { ok: false, previous, verification, message: "The audit log is empty: there is no head to sign yet." };
  return { ok: true, seq, hash: verification.headHash, previous, verified: { from: (previous?.seq ?? 0n) + 1n, count: verification.count } };
}

/**
 * Stores a head prepared by prepareHead, signed with the key, through audit_record_head (migration
 * 20261129121000_audit_roles): the portal's role cannot write chain_head itself, and the function refuses a head
 * that does not name an event of the chain. Anchor it (anchorHead) once the transaction has committed.
 */
export async function insertHead(tx: Db | Tx, key: string, head: { seq: bigint; hash: string }, reason: string): Promise<HeadRow> {
  const [row] = await tx.$queryRaw<{ id: bigint; seq: bigint; hash: string; hmac: string; at: Date; reason: string }[]>`
    SELECT o_id AS "id", o_seq AS "seq", o_hash AS "hash", o_hmac AS "hmac", o_at AS "at", o_reason AS "reason"
      FROM audit_record_head(${head.seq}::bigint, ${head.hash}, ${signHead(key, head.seq, head.hash)}, ${reason})`;
  return { ...row, id: BigInt(row.id), seq: BigInt(row.seq), at: new Date(row.at) };
}

export function headAuditDetails(previous: HeadRow | null, after: HeadRow, verified: { from: bigint; count: number }) {
  return { before: previous ? summary(previous) : null, after: summary(after), verified: { from: verified.from.toString(), count: verified.count } };
}

export type HeadCheck = {
  /** The exported head's HMAC verifies with this portal's key. */
  signature: "valid" | "invalid";
  /** The event at the head's seq today. */
  stored: "matches" | "differs" | "missing";
  chain: VerifyResult;
  /** Events appended after the head (when the chain verifies). */
  appendedSince: number | null;
  verdict: "appended-only" | "tampered" | "not-signed-here";
  message: string;
};

/**
 * Proves (or disproves) that the log was only appended to since an exported head: the head's signature, the stored
 * event at its seq, and the whole chain verified with the head as an anchor (which also catches truncation).
 */
export async function verifyAgainstHead(client: Db | Tx | SqlRunner, key: string, head: ExportedHead, more: ChainAnchor[] = []): Promise<HeadCheck> {
  const run = runnerOf(client);
  const seq = BigInt(head.seq);
  const signature = headSignatureValid(key, seq, head.hash, head.hmac) ? "valid" : "invalid";
  const [row] = await run<{ hash: string }>(`SELECT hash FROM audit_event WHERE seq = $1::bigint`, [seq.toString()]);
  const stored = !row ? "missing" : row.hash === head.hash ? "matches" : "differs";
  const chain = await verifyChain(run, { anchors: [{ seq, hash: head.hash, label: `the exported head (event ${seq})` }, ...more] });
  const appendedSince = chain.ok && chain.headSeq !== null ? Number(chain.headSeq - seq) : null;
  if (signature === "invalid") {
    return { signature, stored, chain, appendedSince, verdict: "not-signed-here", message: "This head was not signed with this portal's key: it was altered, forged, or comes from another installation. Nothing can be proved from it." };
  }
  if (chain.ok && stored === "matches") {
    return { signature, stored, chain, appendedSince, verdict: "appended-only", message: `The log was only appended to since this head: event ${seq} still has the head's hash, and the chain verifies through it to event ${chain.headSeq} (${appendedSince} event${appendedSince === 1 ? "" : "s"} since).` };
  }
  const why = !chain.ok ? `event ${chain.seq}: ${chain.problem} — ${chain.detail}` : `event ${seq} ${stored === "missing" ? "is missing" : "has another hash"}`;
  return { signature, stored, chain, appendedSince, verdict: "tampered", message: `The log was changed since this head (${why}).` };
}
