/**
 * The fast path of verifying a long chain. The log is read with binary COPY (lib/audit/copy.ts), in seq ranges over
 * one or more connections; the rows arrive as they are on the wire and are cut into batches of whole rows, which
 * worker threads verify without turning them into JavaScript values (lib/audit/copy-core.ts): every row's hash, and
 * its sequence number and previous-hash against the row before it. The main thread links each batch to the one
 * before, in sequence order. Anything out of the ordinary — a bad hash, a broken link, a gap, a repeated sequence
 * number, an unreadable row, a head that does not match — stops the fast path at the last batch that verified, and
 * the caller takes over from there with the sequential ChainVerifier, which diagnoses exactly.
 *
 * Memory stays bounded: each connection may have a few batches (about 1 MiB each) waiting, and stops reading its
 * socket (so PostgreSQL waits) until the batches ahead of them are checked.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { hashCore } from "./hash-core";
import { copyCore, COPY_COLUMNS } from "./copy-core";
import { copyOut, type CopyAccess } from "./copy";

type Job = { id: number; buffer: ArrayBuffer; length: number };
type Summary = ReturnType<ReturnType<typeof copyCore>["verifyRows"]>;
/** A batch's findings, and its buffer handed back for the next batch. */
type Result = Summary & { id: number; buffer: ArrayBuffer };

/** What each worker runs: the batch's rows verified by copyCore. Self-contained like hashCore (evaluated in the worker). */
export function verifyWorkerMain(
  cc: ReturnType<typeof copyCore>,
  port: { on(event: "message", fn: (m: Job) => void): void; postMessage(m: Result, transfer: ArrayBuffer[]): void },
  anchorList: [number, string][],
) {
  const anchors = anchorList.length ? new Map(anchorList) : null;
  port.on("message", (job) => {
    const summary = cc.verifyRows(Buffer.from(job.buffer, 0, job.length), anchors);
    port.postMessage({ id: job.id, ...summary, buffer: job.buffer }, [job.buffer]);
  });
}

// "__name" stands in for the helper some compilers (esbuild's keepNames, used by tsx and Vitest) wrap functions in.
const WORKER_SOURCE = `
var __name = (fn) => fn;
const { parentPort, workerData } = require("node:worker_threads");
const { hash } = require("node:crypto");
const core = (${hashCore.toString()})();
const cc = (${copyCore.toString()})(core, hash);
(${verifyWorkerMain.toString()})(cc, parentPort, workerData.anchors);
`;

/** The last verified point of a fast scan: the caller continues from here (or is done, when `complete`). */
export type FastScanResult = { complete: boolean; count: number; boundary: { seq: bigint; hash: string; prevHash: string | null } };

export type FastScanOptions = {
  /** Where verification starts: the genesis (seq 0), or a known event, which must be the first row read. */
  start: { seq: bigint; hash: string };
  /** Signed heads (seq → hash) that must match on the way. */
  anchors: Map<string, string>;
  /** Read no further than this event. */
  through?: bigint;
  /** The highest sequence number when the scan starts, to plan the ranges (the last range is open-ended). */
  end: bigint;
  /** At most this many rows a batch (default: about 1 MiB of rows). */
  batchSize?: number;
  /**
   * Sequence numbers a range covers (default: one range per connection's eighth share, at least 20,000; a single
   * range over a single connection). Tests set it to put breaks on range edges.
   */
  rangeSize?: number;
  /**
   * Connections reading ranges at once (default: one per two cores, within what `access` offers). On two cores one
   * is quicker: PostgreSQL's side then has a core to itself while the workers share the other.
   */
  connections?: number;
  workers?: number;
};

const BATCH_BYTES = 1 << 20;
/** Batches a connection may have read but not yet checked in order, before it stops reading. */
const AHEAD_PER_CONNECTION = 8;

/** A one-shot wake-up for the in-order consumer. */
function signal() {
  let wake: () => void = () => {};
  let waiting: Promise<void> | null = null;
  return {
    wait: () => (waiting ??= new Promise<void>((r) => (wake = r))),
    notify: () => {
      waiting = null;
      wake();
    },
  };
}

/**
 * Verifies from `start` as far as everything is in order; stops at the first batch that is not. Throws when the
 * database cannot be read this way (the caller falls back to the sequential verifier).
 */
export async function fastScan(access: CopyAccess, opts: FastScanOptions): Promise<FastScanResult> {
  const genesis = opts.start.seq === 0n;
  const anchorList: [number, string][] = [];
  for (const [seq, hash] of opts.anchors) {
    const n = Number(seq);
    if (!Number.isSafeInteger(n)) return { complete: false, count: 0, boundary: { ...opts.start, prevHash: null } };
    anchorList.push([n, hash]);
  }

  // Ranges of sequence numbers, read in order by each connection in turn; together they cover every row once.
  const low = genesis ? 1n : opts.start.seq;
  const high = opts.through ?? opts.end;
  const connections = Math.max(1, Math.min(access.connections, opts.connections ?? Math.floor(availableParallelism() / 2)));
  const span = high >= low ? high - low + 1n : 0n;
  const rangeSize = BigInt(Math.max(1, opts.rangeSize ?? Math.max(20_000, Math.ceil(Number(span) / (connections * 8)))));
  const bounds: bigint[] = [];
  if (connections > 1 || opts.rangeSize !== undefined) for (let b = low + rangeSize; b <= high; b += rangeSize) bounds.push(b);
  const ranges = Array.from({ length: bounds.length + 1 }, (_, i) => {
    const conds = [
      i > 0 ? `seq >= ${bounds[i - 1]}` : genesis ? null : `seq >= ${opts.start.seq}`,
      i < bounds.length ? `seq < ${bounds[i]}` : opts.through !== undefined ? `seq <= ${opts.through}` : null,
    ].filter(Boolean);
    const sql = `COPY (SELECT ${COPY_COLUMNS} FROM audit_event${conds.length ? ` WHERE ${conds.join(" AND ")}` : ""} ORDER BY seq) TO STDOUT (FORMAT binary)`;
    return { sql, batches: [] as Promise<Result>[], done: false };
  });

  const size = Math.max(1, Math.min(opts.workers ?? Math.max(2, availableParallelism()), 8));
  const workers = Array.from({ length: size }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { anchors: anchorList } }));
  const pending = new Map<number, { resolve: (r: Result) => void; reject: (e: unknown) => void }>();
  /** Batch buffers back from the workers, to fill again (fewer fresh megabytes for the garbage collector). */
  const spare: ArrayBuffer[] = [];
  const batchBuffer = () => new Uint8Array(spare.pop() ?? new ArrayBuffer(BATCH_BYTES));
  for (const w of workers) {
    w.on("message", (r: Result) => {
      if (r.buffer.byteLength === BATCH_BYTES && spare.length < 4 * size) spare.push(r.buffer);
      pending.get(r.id)?.resolve(r);
      pending.delete(r.id);
    });
    w.on("error", (e) => {
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  }

  const batchRows = opts.batchSize ?? Number.POSITIVE_INFINITY;
  const arrived = signal();
  let nextId = 0;
  let nextRange = 0;
  let stopped = false;
  let readError: unknown = null;
  /** What to do with each reading connection when the scan stops early: cut it off, or let its COPY drain. */
  const onStop = new Set<() => void>();

  /** One connection: takes the next range, streams it into batches, until no range is left or the scan stopped. */
  async function reader() {
    const conn = await access.connect();
    let broken = false;
    let ahead = 0;
    let paused = false;
    const flow = { pause: () => {}, resume: () => {} };
    const stop = () => {
      conn.abort();
      if (paused) {
        paused = false;
        flow.resume();
      }
    };
    onStop.add(stop);
    const consumed = () => {
      ahead--;
      if (paused && ahead < AHEAD_PER_CONNECTION) {
        paused = false;
        flow.resume();
      }
    };
    try {
      while (!stopped && nextRange < ranges.length) {
        const range = ranges[nextRange++];
        let buf = batchBuffer();
        let used = 0;
        let rows = 0;
        const dispatch = () => {
          if (used === 0) return;
          const id = nextId++;
          const result = new Promise<Result>((resolve, reject) => pending.set(id, { resolve, reject }));
          result.catch(() => {}); // awaited in order by the consumer; a worker failure must not surface as unhandled meanwhile
          const job: Job = { id, buffer: buf.buffer as ArrayBuffer, length: used };
          workers[id % workers.length].postMessage(job, [job.buffer]);
          const checked = result.finally(consumed);
          checked.catch(() => {});
          range.batches.push(checked);
          ahead++;
          arrived.notify();
          buf = batchBuffer();
          used = 0;
          rows = 0;
          if (ahead >= AHEAD_PER_CONNECTION && !paused && !stopped) {
            paused = true;
            flow.pause();
          }
        };
        await copyOut(
          conn.client,
          range.sql,
          (chunk) => {
            if (stopped) return; // the scan is over: what is still coming is drained, not kept
            if (used + chunk.length > buf.length) {
              dispatch();
              if (chunk.length > buf.length) buf = new Uint8Array(chunk.length);
            }
            buf.set(chunk, used);
            used += chunk.length;
            if (++rows >= batchRows || used >= BATCH_BYTES) dispatch();
          },
          {
            attach: (pause, resume) => {
              flow.pause = pause;
              flow.resume = resume;
              if (paused) pause();
            },
          },
        );
        dispatch();
        range.done = true;
        arrived.notify();
      }
    } catch (e) {
      broken = true;
      readError ??= e;
      arrived.notify();
    } finally {
      onStop.delete(stop);
      await conn.release(broken || stopped);
    }
  }

  const readers = Array.from({ length: Math.min(connections, ranges.length) }, () => reader());
  let count = 0;
  let boundary: FastScanResult["boundary"] = { seq: opts.start.seq, hash: opts.start.hash, prevHash: null };
  let prev = { seq: opts.start.seq, hash: opts.start.hash };
  let startRowSeen = genesis;
  try {
    for (const range of ranges) {
      for (let k = 0; ; k++) {
        while (range.batches.length <= k && !range.done) {
          if (readError) throw readError;
          await arrived.wait();
        }
        if (readError) throw readError;
        if (range.batches.length <= k) break;
        const r = await range.batches[k];
        if (r.bad !== -1) return { complete: false, count, boundary };
        if (!r.first || !r.last) continue; // only the header or the trailer
        if (!startRowSeen) {
          // The known start is read again, so a second row carrying its sequence number cannot hide before the next.
          if (r.first.seq !== opts.start.seq.toString() || r.first.hash !== opts.start.hash) return { complete: false, count, boundary };
          startRowSeen = true;
          count += r.n - 1;
        } else {
          if (BigInt(r.first.seq) !== prev.seq + 1n || r.first.prevHash !== prev.hash) return { complete: false, count, boundary };
          count += r.n;
        }
        prev = { seq: BigInt(r.last.seq), hash: r.last.hash };
        boundary = { seq: prev.seq, hash: prev.hash, prevHash: r.last.prevHash };
      }
    }
    // Not even the start row: let the sequential verifier say what that means.
    if (!startRowSeen) return { complete: false, count, boundary };
    return { complete: true, count, boundary };
  } finally {
    stopped = true;
    for (const stop of onStop) stop();
    arrived.notify();
    await Promise.allSettled(readers);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
