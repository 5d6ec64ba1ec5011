/**
 * The fast path of verifying a long chain: batches are read packed (one text value per batch) on the main thread,
 * one after another, while worker threads parse and hash them in parallel and check every link inside their batch
 * and to the batch before. Anything out of the ordinary — a bad hash, a broken link, a gap, a repeated sequence
 * number, an unreadable row, a head that does not match — stops the fast path at the last batch boundary that
 * verified, and the caller takes over from there with the sequential ChainVerifier, which diagnoses exactly.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { hashCore } from "./hash-core";
import { PACKED_ROW, type SqlRunner } from "./source";

type BatchJob = { id: number; text: string; prev: { seq: string; hash: string }; skipFirst: boolean; anchors: string[] };
type BatchResult = { id: number; n: number; bad: number; last: { seq: string; hash: string; prevHash: string } | null; anchorHashes: Record<string, string> };

/**
 * What each worker runs. Self-contained like hashCore (its source text is evaluated in the worker): checks each row's
 * hash and its link and sequence number to the row before, and reports the first row that fails.
 */
export function verifyWorkerMain(
  core: ReturnType<typeof hashCore>,
  port: { on(event: "message", fn: (m: BatchJob) => void): void; postMessage(m: BatchResult): void },
  digest: (algorithm: string, data: string, encoding: "hex") => string,
) {
  port.on("message", (job) => {
    const lines = job.text.split("\x1e");
    let prevSeq = BigInt(job.prev.seq);
    let prevHash = job.prev.hash;
    let bad = -1;
    let last: BatchResult["last"] = null;
    const wanted = new Set(job.anchors);
    const anchorHashes: Record<string, string> = {};
    for (let i = 0; i < lines.length; i++) {
      const e = core.parsePacked(lines[i].split("\x1f"));
      if (!e) {
        bad = i;
        break;
      }
      if (i === 0 && job.skipFirst) {
        // The previous batch's last row, read again so a second row with the same seq cannot hide at the boundary.
        if (e.seq !== job.prev.seq || e.hash !== job.prev.hash) {
          bad = 0;
          break;
        }
        continue;
      }
      if (BigInt(e.seq) !== prevSeq + BigInt(1) || e.prevHash !== prevHash || digest("sha256", e.prevHash + "\n" + core.eventBody(e), "hex") !== e.hash) {
        bad = i;
        break;
      }
      if (wanted.has(e.seq)) anchorHashes[e.seq] = e.hash;
      prevSeq = BigInt(e.seq);
      prevHash = e.hash;
      last = { seq: e.seq, hash: e.hash, prevHash: e.prevHash };
    }
    port.postMessage({ id: job.id, n: lines.length - (job.skipFirst ? 1 : 0), bad, last, anchorHashes });
  });
}

// "__name" stands in for the helper some compilers (esbuild's keepNames, used by tsx and Vitest) wrap functions in.
const WORKER_SOURCE = `
var __name = (fn) => fn;
const { parentPort } = require("node:worker_threads");
const { hash } = require("node:crypto");
const core = (${hashCore.toString()})();
(${verifyWorkerMain.toString()})(core, parentPort, hash);
`;

/** The last verified point of a fast scan: the caller continues from here (or is done, when `complete`). */
export type FastScanResult = { complete: boolean; count: number; boundary: { seq: bigint; hash: string; prevHash: string | null } };

function tail(text: string): { seq: string; hash: string } | null {
  const line = text.slice(text.lastIndexOf("\x1e") + 1);
  const f = line.split("\x1f");
  return f.length === 13 ? { seq: f[0], hash: f[12] } : null;
}

/**
 * Verifies from `start` (the genesis, or a known point) as far as everything is in order; stops at the first batch
 * that is not. Anchors are heads (seq → hash) that must match on the way.
 */
export async function fastScan(run: SqlRunner, opts: { start: { seq: bigint; hash: string }; anchors: Map<string, string>; through?: bigint; batchSize?: number; workers?: number }): Promise<FastScanResult> {
  const batchSize = Math.max(2, opts.batchSize ?? 10_000);
  const size = Math.max(1, Math.min(opts.workers ?? Math.max(2, availableParallelism()), 8));
  const workers = Array.from({ length: size }, () => new Worker(WORKER_SOURCE, { eval: true }));
  const pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: unknown) => void }>();
  for (const w of workers) {
    w.on("message", (r: BatchResult) => {
      pending.get(r.id)?.resolve(r);
      pending.delete(r.id);
    });
    w.on("error", (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }
  const bound = opts.through === undefined ? "" : ` AND seq <= $3::bigint`;
  // The start row itself is read again (seq >= start) unless the scan begins at the genesis: see skipFirst.
  const sql = `SELECT string_agg(${PACKED_ROW}, E'\\x1e' ORDER BY e.seq) AS t, count(*)::int AS n
                 FROM (SELECT * FROM audit_event e WHERE seq >= $1::bigint${bound} ORDER BY seq LIMIT $2::int) e`;
  const read = (from: bigint) => run<{ t: string | null; n: number }>(sql, opts.through === undefined ? [from.toString(), batchSize + 1] : [from.toString(), batchSize + 1, opts.through.toString()]);

  const anchorList = [...opts.anchors.keys()].map((k) => ({ seq: BigInt(k), key: k })).sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  let anchorAt = 0;
  let count = 0;
  let boundary: FastScanResult["boundary"] = { seq: opts.start.seq, hash: opts.start.hash, prevHash: null };
  const genesis = opts.start.seq === 0n;
  // In-flight batches, in order: each is dispatched to a worker as soon as it arrives; results are taken in order.
  const inflight: { result: Promise<BatchResult>; prev: { seq: string; hash: string } }[] = [];
  let nextId = 0;
  let from = genesis ? -(2n ** 63n) : opts.start.seq;
  let prev = { seq: opts.start.seq.toString(), hash: opts.start.hash };
  let exhausted = false;
  let fetching: Promise<{ t: string | null; n: number }[]> | null = read(from);

  const dispatch = (text: string, skipFirst: boolean) => {
    const id = nextId++;
    const last = tail(text);
    const anchors: string[] = [];
    if (last) while (anchorAt < anchorList.length && anchorList[anchorAt].seq <= BigInt(last.seq)) anchors.push(anchorList[anchorAt++].key);
    const job: BatchJob = { id, text, prev, skipFirst, anchors };
    const result = new Promise<BatchResult>((resolve, reject) => pending.set(id, { resolve, reject }));
    result.catch(() => {}); // awaited in order below; a worker failure must not surface as an unhandled rejection meanwhile
    workers[id % workers.length].postMessage(job);
    inflight.push({ result, prev });
    return last;
  };

  try {
    for (;;) {
      while (!exhausted && fetching && inflight.length < workers.length * 2) {
        const [row] = await fetching;
        fetching = null;
        const n = Number(row?.n ?? 0);
        const skipFirst = !(genesis && nextId === 0);
        if (!row?.t || n <= (skipFirst ? 1 : 0)) {
          exhausted = true;
          if (row?.t && n === 1 && skipFirst) {
            // Only the boundary row came back: check it is still the row we ended on.
            const t = tail(row.t);
            if (!t || t.seq !== prev.seq || t.hash !== prev.hash) return { complete: false, count, boundary };
          }
          break;
        }
        const last = dispatch(row.t, skipFirst);
        if (!last) {
          exhausted = true;
          break;
        }
        prev = { seq: last.seq, hash: last.hash };
        if (n < batchSize + 1) exhausted = true;
        else {
          from = BigInt(last.seq);
          fetching = read(from);
        }
      }
      const job = inflight.shift();
      if (!job) return { complete: true, count, boundary };
      const r = await job.result;
      if (r.bad !== -1 || !r.last) return { complete: false, count, boundary };
      for (const [seq, hash] of Object.entries(r.anchorHashes)) if (opts.anchors.get(seq) !== hash) return { complete: false, count, boundary };
      count += r.n;
      boundary = { seq: BigInt(r.last.seq), hash: r.last.hash, prevHash: r.last.prevHash };
    }
  } finally {
    fetching?.catch(() => {});
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
