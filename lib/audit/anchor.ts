/**
 * Anchors: every signed chain head is also written outside the database, so that whoever can rewrite the database
 * (its owner role, a superuser, anyone with its files) cannot also rewrite what the heads said.
 *
 * - The anchor file (AUDIT_ANCHOR_FILE, by default .data/audit-anchors.jsonl, never inside the PostgreSQL data
 *   directory): one JSON line per head, appended (O_APPEND) and flushed to disk right after the head commits.
 *   Nothing in the portal rewrites or truncates it.
 * - Optionally a webhook (AUDIT_ANCHOR_WEBHOOK_URL): each line of the anchor file is POSTed, in order, with a
 *   bounded timeout. Delivery is an outbox over the file (the last delivered head id is kept beside it), so a failed
 *   or slow webhook never blocks a person's action and never loses a head: it is retried with backoff and at every
 *   pass of the head signer until it is accepted. The receiver gets each head at least once (keyed by its id).
 *
 * Verification (compareAnchors, used by "Verify whole chain") reads the file back: every anchored head must still be
 * in the database as it was, the chain must still have the anchored hash at the anchored event, and the log must
 * reach it. The webhook's copy is for its receiver to compare; the portal cannot read it back.
 */
import { mkdir, open, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { anchorSettings, type AnchorSettings } from "../env";
import { log } from "../log";
import { headSignatureValid, type ChainAnchor } from "./chain";

export const ANCHOR_FORMAT = "orchestrator-audit-anchor/v1";

/** One line of the anchor file: a signed head as the database recorded it. */
export type AnchorEntry = { format: typeof ANCHOR_FORMAT; id: string; seq: string; hash: string; hmac: string; at: string; reason: string };

export type HeadLike = { id: bigint; seq: bigint; hash: string; hmac: string; at: Date; reason: string };

export function anchorEntry(h: HeadLike): AnchorEntry {
  return { format: ANCHOR_FORMAT, id: h.id.toString(), seq: h.seq.toString(), hash: h.hash, hmac: h.hmac, at: h.at.toISOString(), reason: h.reason };
}

const DIGITS = /^\d{1,18}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** A line of the anchor file as an entry, or null when it is not one. */
export function parseAnchorLine(line: string): AnchorEntry | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const e = v as Record<string, unknown>;
  if (e.format !== ANCHOR_FORMAT) return null;
  if (typeof e.id !== "string" || !DIGITS.test(e.id) || typeof e.seq !== "string" || !DIGITS.test(e.seq)) return null;
  if (typeof e.hash !== "string" || !HEX64.test(e.hash) || typeof e.hmac !== "string" || !HEX64.test(e.hmac)) return null;
  if (typeof e.at !== "string" || typeof e.reason !== "string") return null;
  return { format: ANCHOR_FORMAT, id: e.id, seq: e.seq, hash: e.hash, hmac: e.hmac, at: e.at, reason: e.reason };
}

export type AnchorFile = { exists: boolean; entries: { line: number; entry: AnchorEntry }[]; malformed: number[] };

/** Reads the anchor file (a missing file reads as empty, `exists: false`). */
export async function readAnchorFile(file: string): Promise<AnchorFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { exists: false, entries: [], malformed: [] };
    throw e;
  }
  const entries: AnchorFile["entries"] = [];
  const malformed: number[] = [];
  const lines = text.split("\n");
  // A file that does not end in a newline has a last line still being written (or cut off by a crash).
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") continue;
    const entry = parseAnchorLine(line);
    if (entry) entries.push({ line: i + 1, entry });
    else malformed.push(i + 1);
  }
  return { exists: true, entries, malformed };
}

/** Appends one head to the anchor file and flushes it to disk. Creates the file (mode 0600) and its directory. */
export async function appendAnchorFile(file: string, entry: AnchorEntry): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, "a", 0o600);
  try {
    await handle.appendFile(JSON.stringify(entry) + "\n", "utf8");
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

export type AnchorProblemKind = "missing-from-database" | "rewritten" | "ahead-of-chain" | "bad-signature" | "malformed";

export type AnchorProblem = { kind: AnchorProblemKind; headId: string | null; seq: string | null; line: number | null; detail: string };

/**
 * What the anchors say about the database:
 * - `ok`: every anchored head is in the database as it was anchored, and the log reaches it;
 * - `mismatch`: at least one problem (listed);
 * - `empty`: no anchor file, or an empty one, while the database has heads (heads signed before anchoring existed,
 *   or the file was removed);
 * - `unreadable`: the file could not be read;
 * - `none`: no anchor and no head yet.
 */
export type AnchorReport = {
  status: "ok" | "mismatch" | "empty" | "unreadable" | "none";
  file: string;
  webhook: boolean;
  entries: number;
  /** Anchored heads found in the database unchanged. */
  matched: number;
  problems: AnchorProblem[];
  /** Problems beyond the ones listed. */
  moreProblems: number;
  /** Heads in the database the anchor file does not hold (signed before the file existed, by another replica, or inserted directly). */
  unanchored: string[];
  message: string;
};

const MAX_LISTED = 20;
const short = (h: string) => `${h.slice(0, 12)}…`;

/**
 * Compares the anchor file with the heads in the database and the end of the log (pure; `key` checks each entry's
 * HMAC). The events themselves are checked by the chain walk, with the entries as anchors (anchorsForChain).
 */
export function compareAnchors(input: { file: string; webhook?: boolean; read: AnchorFile | { error: string }; heads: HeadLike[]; logEnd: bigint | null; key: string | undefined }): AnchorReport {
  const base = { file: input.file, webhook: Boolean(input.webhook), moreProblems: 0 };
  if ("error" in input.read) {
    return { ...base, status: "unreadable", entries: 0, matched: 0, problems: [], unanchored: [], message: `The anchor file ${input.file} could not be read (${input.read.error}): the chain was checked against the database's heads only.` };
  }
  const { entries, malformed } = input.read;
  const byId = new Map(input.heads.map((h) => [h.id.toString(), h]));
  const problems: AnchorProblem[] = malformed.map((line) => ({ kind: "malformed", headId: null, seq: null, line, detail: `line ${line} of the anchor file is not an anchored head: the file was edited (or a write was cut off)` }));
  let matched = 0;
  const anchoredIds = new Set<string>();
  for (const { line, entry } of entries) {
    anchoredIds.add(entry.id);
    const where = `head #${entry.id} (event ${entry.seq}, anchored ${entry.at.slice(0, 16).replace("T", " ")} UTC, line ${line})`;
    if (input.key !== undefined && !headSignatureValid(input.key, BigInt(entry.seq), entry.hash, entry.hmac)) {
      problems.push({ kind: "bad-signature", headId: entry.id, seq: entry.seq, line, detail: `${where}: its HMAC does not verify with this portal's key, so the anchor file was edited (or the key changed)` });
      continue;
    }
    const db = byId.get(entry.id);
    if (input.logEnd === null || BigInt(entry.seq) > input.logEnd) {
      problems.push({ kind: "ahead-of-chain", headId: entry.id, seq: entry.seq, line, detail: `${where} is ahead of the chain, which ends at ${input.logEnd === null ? "no event at all" : `event ${input.logEnd}`}: events were deleted from the end of the log` });
    }
    if (!db) {
      problems.push({ kind: "missing-from-database", headId: entry.id, seq: entry.seq, line, detail: `${where} is missing from the database: it was deleted from chain_head` });
      continue;
    }
    if (db.seq.toString() !== entry.seq || db.hash !== entry.hash || db.hmac !== entry.hmac) {
      const what = db.seq.toString() !== entry.seq ? `event ${db.seq} instead of ${entry.seq}` : db.hash !== entry.hash ? `hash ${short(db.hash)} instead of ${short(entry.hash)}` : "another HMAC";
      problems.push({ kind: "rewritten", headId: entry.id, seq: entry.seq, line, detail: `${where} was rewritten in the database: it now records ${what}` });
      continue;
    }
    matched++;
  }
  const unanchored = input.heads.filter((h) => !anchoredIds.has(h.id.toString())).map((h) => h.id.toString());
  const listed = problems.slice(0, MAX_LISTED);
  const report = { ...base, entries: entries.length, matched, problems: listed, moreProblems: problems.length - listed.length, unanchored: unanchored.slice(0, MAX_LISTED) };
  if (problems.length) {
    return { ...report, status: "mismatch", message: `The database disagrees with the anchor file ${input.file} (${problems.length} problem${problems.length === 1 ? "" : "s"}); first: ${problems[0].detail}.` };
  }
  if (entries.length === 0) {
    return input.heads.length
      ? { ...report, status: "empty", message: `The anchor file ${input.file} ${input.read.exists ? "is empty" : "does not exist"}, though the database holds ${input.heads.length} signed head${input.heads.length === 1 ? "" : "s"}: heads signed before anchoring existed, or the file was removed. Heads signed from now on are anchored.` }
      : { ...report, status: "none", message: "No head has been signed yet, so there is nothing anchored to check against." };
  }
  const tail = unanchored.length ? ` ${unanchored.length} head${unanchored.length === 1 ? " in the database is" : "s in the database are"} not in this file (signed before it existed, by another replica, or inserted into the database directly).` : "";
  return { ...report, status: "ok", message: `All ${matched} anchored head${matched === 1 ? "" : "s"} in ${input.file} match the database and the chain.${tail}` };
}

/** The anchor entries whose HMAC verifies, as anchors for the chain walk: the event at each seq must have the anchored hash. */
export function anchorsForChain(read: AnchorFile, key: string | undefined): ChainAnchor[] {
  if (key === undefined) return [];
  return read.entries
    .filter(({ entry }) => headSignatureValid(key, BigInt(entry.seq), entry.hash, entry.hmac))
    .map(({ line, entry }) => ({ seq: BigInt(entry.seq), hash: entry.hash, label: `anchored head #${entry.id} (line ${line} of the anchor file)` }));
}

/** The newest anchored head whose HMAC verifies (a new head is signed only if the chain still has its hash). */
export function lastAnchored(read: AnchorFile, key: string): AnchorEntry | null {
  for (let i = read.entries.length - 1; i >= 0; i--) {
    const { entry } = read.entries[i];
    if (headSignatureValid(key, BigInt(entry.seq), entry.hash, entry.hmac)) return entry;
  }
  return null;
}

/**
 * Anchors a head that has just committed: appended to the anchor file (awaited, a few milliseconds) and handed to
 * the webhook outbox (not awaited). Never throws: a head that could not be written is logged in full (so it is not
 * lost) and reported, and the next verification lists it as not anchored.
 */
export async function anchorHead(head: HeadLike, settings: AnchorSettings = anchorSettings()): Promise<{ ok: true } | { ok: false; message: string }> {
  const entry = anchorEntry(head);
  try {
    await appendAnchorFile(settings.AUDIT_ANCHOR_FILE, entry);
  } catch (e) {
    log.error("audit.anchor.file_failed", { file: settings.AUDIT_ANCHOR_FILE, head: entry, err: e });
    return { ok: false, message: `Head #${entry.id} was signed, but could not be written to the anchor file (${e instanceof Error ? e.message : String(e)}).` };
  }
  log.info("audit.anchor.written", { file: settings.AUDIT_ANCHOR_FILE, headId: entry.id, seq: entry.seq });
  if (settings.AUDIT_ANCHOR_WEBHOOK_URL) void flushWebhook(settings);
  return { ok: true };
}

const stateFile = (file: string) => `${file}.webhook-delivered`;

async function deliveredUpTo(file: string): Promise<bigint> {
  try {
    const v = (await readFile(stateFile(file), "utf8")).trim();
    return DIGITS.test(v) ? BigInt(v) : 0n;
  } catch {
    return 0n;
  }
}

async function recordDelivered(file: string, id: string): Promise<void> {
  const tmp = `${stateFile(file)}.${process.pid}.tmp`;
  await writeFile(tmp, id + "\n", { mode: 0o600 });
  await rename(tmp, stateFile(file));
}

let flushing: Promise<WebhookFlush> | null = null;
let retryTimer: NodeJS.Timeout | null = null;
let failures = 0;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 15 * 60_000;

export type WebhookFlush = { delivered: number; pending: number; error?: string };

/**
 * Sends every anchored head the webhook has not accepted yet, oldest first, one request each (with the timeout);
 * stops at the first failure and tries again later (backoff from 5 s to 15 min, and at every head-signer pass).
 * One flush at a time per process; a call while one runs joins it.
 */
export function flushWebhook(settings: AnchorSettings = anchorSettings(), fetchImpl: typeof fetch = fetch): Promise<WebhookFlush> {
  const url = settings.AUDIT_ANCHOR_WEBHOOK_URL;
  if (!url) return Promise.resolve({ delivered: 0, pending: 0 });
  flushing ??= (async (): Promise<WebhookFlush> => {
    const file = settings.AUDIT_ANCHOR_FILE;
    const done = await deliveredUpTo(file);
    const read = await readAnchorFile(file);
    const pending = read.entries.filter(({ entry }) => BigInt(entry.id) > done);
    let delivered = 0;
    for (const { entry } of pending) {
      try {
        const res = await fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "audit-chain-head", ...entry }),
          signal: AbortSignal.timeout(settings.AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS),
          redirect: "error",
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        await res.body?.cancel().catch(() => {});
        await recordDelivered(file, entry.id);
        delivered++;
      } catch (e) {
        failures++;
        const error = e instanceof Error ? (e.name === "TimeoutError" ? `no answer within ${settings.AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS} ms` : e.message) : String(e);
        log.warn("audit.anchor.webhook_failed", { headId: entry.id, seq: entry.seq, pending: pending.length - delivered, attempt: failures, error });
        scheduleRetry(settings, fetchImpl);
        return { delivered, pending: pending.length - delivered, error };
      }
    }
    failures = 0;
    return { delivered, pending: 0 };
  })().finally(() => {
    flushing = null;
  });
  return flushing;
}

function scheduleRetry(settings: AnchorSettings, fetchImpl: typeof fetch) {
  if (retryTimer) return;
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(failures - 1, 10));
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void flushWebhook(settings, fetchImpl);
  }, delay);
  retryTimer.unref();
}
