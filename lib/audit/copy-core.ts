/**
 * Verifying audit rows as PostgreSQL sends them in a binary COPY (`COPY (SELECT COPY_COLUMNS …) TO STDOUT (FORMAT
 * binary)`), without turning each row into JavaScript values: the hashed body is written as UTF-8 bytes straight from
 * the row's bytes and hashed from there. This is the bulk of "Verify chain" at a million events.
 *
 * Exactness: the bytes written are those of `prevHash + "\n" + eventBody(e)` (lib/audit/hash-core.ts) for the event
 * the row holds, so the hash definition does not change. The byte path only takes rows it can write exactly and
 * hands every other row to the reference path (decode the row, eventBody, hash):
 * - strings are copied as they are when they hold no `"`, `\` or control character (JSON.stringify would leave them
 *   as they are too);
 * - `details` is PostgreSQL's jsonb text: its strings are escaped exactly as JSON.stringify escapes them (only `"`,
 *   `\` and control characters, the latter as \b \f \n \r \t or lowercase \u00xx), so they are copied; object keys
 *   are re-sorted (jsonb orders them by length first) when all are plain ASCII without escapes, where byte order is
 *   JavaScript's sort order; numbers are copied only as integers of at most 15 digits (not -0), which JSON.parse
 *   and JSON.stringify give back unchanged; everything else goes the reference way;
 * - actorRoles is taken when it is a one-dimensional array without NULLs.
 *
 * `copyCore` is self-contained like hashCore (its source text also runs in the verification worker threads): no
 * imports, no module-level helpers inside.
 */
import type { hashCore } from "./hash-core";

/** The columns, in the order the row reader expects them. */
export const COPY_COLUMNS = `seq, at, "actorId", "actorEmail", "actorRoles", action, outcome, "targetType", "targetId", details, "requestId", "prevHash", hash`;

export function copyCore(core: ReturnType<typeof hashCore>, digest: (algorithm: string, data: Uint8Array | string, encoding: "hex") => string) {
  const FIELDS = 13;
  const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
  /** Milliseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for timestamps. */
  const PG_EPOCH_MS = 946_684_800_000;
  const HEX = new Uint8Array(512);
  for (let i = 0; i < 256; i++) {
    const h = i.toString(16).padStart(2, "0");
    HEX[2 * i] = h.charCodeAt(0);
    HEX[2 * i + 1] = h.charCodeAt(1);
  }
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const K_ACTION = latin1(`{"action":`);
  const K_EMAIL = latin1(`,"actorEmail":`);
  const K_ACTOR_ID = latin1(`,"actorId":`);
  const K_ROLES = latin1(`,"actorRoles":`);
  const K_AT = latin1(`,"at":"`);
  const K_DETAILS = latin1(`","details":`);
  const K_OUTCOME = latin1(`,"outcome":`);
  const K_REQUEST = latin1(`,"requestId":`);
  const K_SEQ = latin1(`,"seq":"`);
  const K_TARGET_ID = latin1(`","targetId":`);
  const K_TARGET_TYPE = latin1(`,"targetType":`);
  const NULL = latin1("null");

  /** The output: prevHash, "\n", the body. Grown when a row needs more. */
  let out = new Uint8Array(1 << 16);
  let p = 0;
  /** The member table of the objects being written (see `object`), used as a stack from `top`. */
  let members = new Int32Array(4 * 256);
  let top = 0;
  /** Views of `out` by length, so hashing a row allocates nothing but the digest. */
  const views = new Map<number, Uint8Array>();
  /** "YYYY-MM-DDTHH:" of the last hour seen (see writeIso). */
  let hourNumber = NaN;
  const hourPrefix = new Uint8Array(32);
  let hourPrefixLength = 0;

  // Hot loops work on local copies of `out` and `p` (closure variables are slower to update byte by byte).
  const put = (bytes: Uint8Array) => {
    out.set(bytes, p);
    p += bytes.length;
  };

  /** Copies src[a, b) to the output (a loop: the spans are short, and a subarray per span costs more). */
  function copy(src: Uint8Array, a: number, b: number) {
    const o = out;
    let q = p;
    for (let k = a; k < b; k++) o[q++] = src[k];
    p = q;
  }

  /** A JSON string of the bytes [a, b), or false when JSON.stringify would escape something in it. */
  function jsonString(src: Uint8Array, a: number, b: number): boolean {
    const o = out;
    let q = p;
    o[q++] = 0x22;
    for (let i = a; i < b; i++) {
      const c = src[i];
      if (c === 0x22 || c === 0x5c || c < 0x20) return false;
      o[q++] = c;
    }
    o[q++] = 0x22;
    p = q;
    return true;
  }

  function nullableString(src: Uint8Array, a: number, len: number): boolean {
    if (len < 0) {
      put(NULL);
      return true;
    }
    return jsonString(src, a, a + len);
  }

  function isWs(c: number) {
    return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  }

  /**
   * Writes the canonical form of the JSON value at `i` (jsonb's text output) and returns the index after it, or -1
   * when the byte path cannot write it exactly.
   */
  function canonical(src: Uint8Array, i: number, end: number): number {
    while (i < end && isWs(src[i])) i++;
    if (i >= end) return -1;
    const c = src[i];
    if (c === 0x22) {
      const o = out;
      let q = p;
      o[q++] = 0x22;
      for (i++; i < end; i++) {
        const x = src[i];
        o[q++] = x;
        if (x === 0x22) {
          p = q;
          return i + 1;
        }
        if (x === 0x5c) o[q++] = src[++i];
      }
      return -1;
    }
    if (c === 0x7b) return object(src, i + 1, end);
    if (c === 0x5b) {
      out[p++] = 0x5b;
      i++;
      while (i < end && isWs(src[i])) i++;
      if (src[i] === 0x5d) {
        out[p++] = 0x5d;
        return i + 1;
      }
      for (;;) {
        i = canonical(src, i, end);
        if (i < 0) return -1;
        while (i < end && isWs(src[i])) i++;
        if (src[i] === 0x2c) {
          out[p++] = 0x2c;
          i++;
        } else if (src[i] === 0x5d) {
          out[p++] = 0x5d;
          return i + 1;
        } else return -1;
      }
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      // Integers of up to 15 digits only (not -0): JSON.parse and JSON.stringify give those back unchanged.
      let j = c === 0x2d ? i + 1 : i;
      const first = j;
      while (j < end && src[j] >= 0x30 && src[j] <= 0x39) j++;
      const digits = j - first;
      if (digits === 0 || digits > 15 || (digits > 1 && src[first] === 0x30) || (c === 0x2d && src[first] === 0x30)) return -1;
      if (j < end && (src[j] === 0x2e || src[j] === 0x65 || src[j] === 0x45)) return -1;
      copy(src, i, j);
      return j;
    }
    const word = c === 0x74 ? 4 : c === 0x66 ? 5 : c === 0x6e ? 4 : 0; // true, false, null
    if (word === 0 || i + word > end) return -1;
    const text = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
    for (let k = 0; k < word; k++) if (src[i + k] !== text.charCodeAt(k)) return -1;
    for (let k = 0; k < word; k++) out[p++] = src[i + k];
    return i + word;
  }

  /** The index just after the JSON value at `i` (whitespace before it skipped), without writing it; -1 if malformed. */
  function skipValue(src: Uint8Array, i: number, end: number): number {
    while (i < end && isWs(src[i])) i++;
    let depth = 0;
    for (; i < end; i++) {
      const c = src[i];
      if (c === 0x22) {
        for (i++; i < end && src[i] !== 0x22; i++) if (src[i] === 0x5c) i++;
        if (i >= end) return -1;
        if (depth === 0) return i + 1;
      } else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--depth <= 0) return depth === 0 ? i + 1 : -1;
      } else if (depth === 0) {
        let j = i;
        while (j < end && src[j] !== 0x2c && src[j] !== 0x7d && src[j] !== 0x5d && !isWs(src[j])) j++;
        return j;
      }
    }
    return -1;
  }

  /** Compares the keys of two members (table slots) in `src`: plain ASCII, so byte order is JavaScript's order. */
  function keyBefore(src: Uint8Array, a: number, b: number): boolean {
    const aStart = members[a];
    const aLength = members[a + 1];
    const bStart = members[b];
    const bLength = members[b + 1];
    const n = aLength < bLength ? aLength : bLength;
    for (let k = 0; k < n; k++) {
      const x = src[aStart + k];
      const y = src[bStart + k];
      if (x !== y) return x < y;
    }
    return aLength < bLength;
  }

  /**
   * An object from just after its "{". First its members are found (key start and length, value start and end, in
   * the member table), then written in key order, each value by `canonical`. The table is a stack: a nested
   * object's members go above this object's, which stay put (with this object's order after them) until it is done.
   */
  function object(src: Uint8Array, i: number, end: number): number {
    while (i < end && isWs(src[i])) i++;
    if (src[i] === 0x7d) {
      out[p++] = 0x7b;
      out[p++] = 0x7d;
      return i + 1;
    }
    const base = top;
    let n = 0;
    let sorted = true;
    for (;;) {
      if (src[i] !== 0x22) return -1;
      const slot = base + 4 * n;
      if (members.length < slot + 4) {
        const grown = new Int32Array(2 * members.length + 4);
        grown.set(members);
        members = grown;
      }
      const keyStart = i + 1;
      for (i++; i < end; i++) {
        const x = src[i];
        if (x === 0x22) break;
        if (x === 0x5c || x >= 0x80) return -1;
      }
      if (i >= end) return -1;
      members[slot] = keyStart;
      members[slot + 1] = i - keyStart;
      i++;
      while (i < end && isWs(src[i])) i++;
      if (src[i] !== 0x3a) return -1;
      i++;
      while (i < end && isWs(src[i])) i++;
      members[slot + 2] = i;
      i = skipValue(src, i, end);
      if (i < 0) return -1;
      members[slot + 3] = i;
      if (sorted && n > 0 && !keyBefore(src, slot - 4, slot)) sorted = false;
      n++;
      while (i < end && isWs(src[i])) i++;
      if (src[i] === 0x2c) {
        i++;
        while (i < end && isWs(src[i])) i++;
      } else if (src[i] === 0x7d) {
        i++;
        break;
      } else return -1;
    }
    // The order of the members (slots), after them in the table; insertion sort, as objects are small.
    const order = base + 4 * n;
    if (members.length < order + n) {
      const grown = new Int32Array(2 * (order + n));
      grown.set(members);
      members = grown;
    }
    for (let m = 0; m < n; m++) {
      const slot = base + 4 * m;
      let k = m;
      if (!sorted) {
        while (k > 0 && keyBefore(src, slot, members[order + k - 1])) {
          members[order + k] = members[order + k - 1];
          k--;
        }
      }
      members[order + k] = slot;
    }
    top = order + n;
    out[p++] = 0x7b;
    for (let m = 0; m < n; m++) {
      const slot = members[order + m];
      if (m > 0) out[p++] = 0x2c;
      out[p++] = 0x22;
      copy(src, members[slot], members[slot] + members[slot + 1]);
      out[p++] = 0x22;
      out[p++] = 0x3a;
      const from = members[slot + 2];
      if (src[from] === 0x22) copy(src, from, members[slot + 3]); // a string, found whole by skipValue: as it is
      else if (canonical(src, from, members[slot + 3]) < 0) {
        top = base;
        return -1;
      }
    }
    out[p++] = 0x7d;
    top = base;
    return i;
  }

  function writeDigits(n: number) {
    if (n === 0) {
      out[p++] = 0x30;
      return;
    }
    let digits = 0;
    for (let m = n; m > 0; m = Math.floor(m / 10)) digits++;
    for (let k = digits - 1; k >= 0; k--) {
      out[p + k] = 0x30 + (n % 10);
      n = Math.floor(n / 10);
    }
    p += digits;
  }

  /** The ISO text of a time (what Date#toISOString gives), from milliseconds since 1970. */
  function writeIso(ms: number): boolean {
    const hour = Math.floor(ms / 3_600_000);
    if (hour !== hourNumber) {
      // "YYYY-MM-DDTHH:" of the hour, from Date itself (events come in time order, so this is nearly always a hit).
      const d = new Date(hour * 3_600_000);
      if (Number.isNaN(d.getTime())) return false;
      const iso = d.toISOString();
      const t = iso.indexOf("T") + 4;
      for (let k = 0; k < t; k++) hourPrefix[k] = iso.charCodeAt(k);
      hourPrefixLength = t;
      hourNumber = hour;
    }
    const o = out;
    let q = p;
    for (let k = 0; k < hourPrefixLength; k++) o[q++] = hourPrefix[k];
    let rest = ms - hour * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    rest -= seconds * 1000;
    o[q++] = 0x30 + Math.floor(minutes / 10);
    o[q++] = 0x30 + (minutes % 10);
    o[q++] = 0x3a;
    o[q++] = 0x30 + Math.floor(seconds / 10);
    o[q++] = 0x30 + (seconds % 10);
    o[q++] = 0x2e;
    o[q++] = 0x30 + Math.floor(rest / 100);
    o[q++] = 0x30 + (Math.floor(rest / 10) % 10);
    o[q++] = 0x30 + (rest % 10);
    o[q++] = 0x5a;
    p = q;
    return true;
  }

  const int32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
  /** A big-endian int64 as a number, or NaN beyond the safe integers. */
  function int64(b: Uint8Array, i: number): number {
    const hi = int32(b, i);
    const lo = int32(b, i + 4) >>> 0;
    if (hi > 0x1fffff || hi < -0x200000) return NaN;
    return hi * 4_294_967_296 + lo;
  }

  /** Where each field starts and how long it is (-1 for NULL): filled by readRow. */
  const at = new Int32Array(FIELDS);
  const len = new Int32Array(FIELDS);

  /** Reads the row at `i`: 1 for a row, 0 for the trailer, -1 for anything else; sets `rowEnd`. */
  let rowEnd = 0;
  function readRow(b: Uint8Array, i: number, end: number): number {
    if (i + 2 > end) return -1;
    const n = (b[i] << 8) | b[i + 1];
    if (n === 0xffff) {
      rowEnd = i + 2;
      return 0;
    }
    if (n !== FIELDS) return -1;
    i += 2;
    for (let f = 0; f < FIELDS; f++) {
      if (i + 4 > end) return -1;
      const l = int32(b, i);
      i += 4;
      at[f] = i;
      len[f] = l;
      if (l > 0) i += l;
      if (i > end) return -1;
    }
    rowEnd = i;
    return 1;
  }

  function ensure(n: number) {
    if (out.length < n) {
      out = new Uint8Array(Math.max(n, 2 * out.length));
      views.clear();
    }
  }

  /** The body by the byte path into `out` after prevHash and "\n"; false when the row must go the reference way. */
  function bytePath(b: Uint8Array): boolean {
    if (len[0] !== 8 || len[1] !== 8 || len[5] < 0 || len[6] < 0 || len[9] < 1 || len[11] < 0 || len[12] < 0) return false;
    const seq = int64(b, at[0]);
    const micros = int64(b, at[1]);
    if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isSafeInteger(micros) || micros % 1000 !== 0) return false;
    if (b[at[9]] !== 1) return false; // jsonb's binary format version
    put(K_ACTION);
    if (!jsonString(b, at[5], at[5] + len[5])) return false;
    put(K_EMAIL);
    if (!nullableString(b, at[3], len[3])) return false;
    put(K_ACTOR_ID);
    if (len[2] < 0) put(NULL);
    else {
      if (len[2] !== 16) return false;
      const o = out;
      let q = p;
      const a = at[2];
      o[q++] = 0x22;
      for (let k = 0; k < 16; k++) {
        if (k === 4 || k === 6 || k === 8 || k === 10) o[q++] = 0x2d;
        const v = 2 * b[a + k];
        o[q++] = HEX[v];
        o[q++] = HEX[v + 1];
      }
      o[q++] = 0x22;
      p = q;
    }
    put(K_ROLES);
    if (len[4] < 0 || int32(b, at[4]) === 0) {
      out[p++] = 0x5b;
      out[p++] = 0x5d;
    } else {
      // ndim, has-nulls flag, element type, then (size, lower bound) per dimension, then the elements.
      let i = at[4];
      if (int32(b, i) !== 1 || int32(b, i + 4) !== 0) return false;
      const count = int32(b, i + 12);
      i += 20;
      out[p++] = 0x5b;
      for (let k = 0; k < count; k++) {
        const l = int32(b, i);
        if (l < 0) return false;
        if (k) out[p++] = 0x2c;
        if (!jsonString(b, i + 4, i + 4 + l)) return false;
        i += 4 + l;
      }
      out[p++] = 0x5d;
    }
    put(K_AT);
    if (!writeIso(PG_EPOCH_MS + micros / 1000)) return false;
    put(K_DETAILS);
    const detailsEnd = at[9] + len[9];
    const after = canonical(b, at[9] + 1, detailsEnd);
    if (after < 0) return false;
    for (let k = after; k < detailsEnd; k++) if (!isWs(b[k])) return false;
    put(K_OUTCOME);
    if (!jsonString(b, at[6], at[6] + len[6])) return false;
    put(K_REQUEST);
    if (!nullableString(b, at[10], len[10])) return false;
    put(K_SEQ);
    writeDigits(seq);
    put(K_TARGET_ID);
    if (!nullableString(b, at[8], len[8])) return false;
    put(K_TARGET_TYPE);
    if (!nullableString(b, at[7], len[7])) return false;
    out[p++] = 0x7d;
    return true;
  }

  const text = (b: Uint8Array, f: number): string | null => (len[f] < 0 ? null : Buffer.from(b.buffer, b.byteOffset + at[f], len[f]).toString("utf8"));

  /** The row as an event, decoded the ordinary way (for the reference path); null when it cannot be read. */
  function decode(b: Uint8Array) {
    if (len[0] !== 8 || len[1] !== 8 || len[9] < 1 || b[at[9]] !== 1) return null;
    const view = new DataView(b.buffer, b.byteOffset);
    const seq = view.getBigInt64(at[0]);
    const micros = view.getBigInt64(at[1]);
    const time = new Date(PG_EPOCH_MS + Number(micros / BigInt(1000)));
    if (Number.isNaN(time.getTime())) return null;
    let roles: (string | null)[] = [];
    if (len[4] >= 0) {
      let i = at[4];
      const ndim = int32(b, i);
      if (ndim > 1) return null;
      if (ndim === 1) {
        const count = int32(b, i + 12);
        i += 20;
        roles = [];
        for (let k = 0; k < count; k++) {
          const l = int32(b, i);
          roles.push(l < 0 ? null : Buffer.from(b.buffer, b.byteOffset + i + 4, l).toString("utf8"));
          i += 4 + Math.max(l, 0);
        }
      }
    }
    let actorId: string | null = null;
    if (len[2] === 16) {
      const h = Buffer.from(b.buffer, b.byteOffset + at[2], 16).toString("hex");
      actorId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    } else if (len[2] >= 0) return null;
    let details: unknown;
    try {
      details = JSON.parse(Buffer.from(b.buffer, b.byteOffset + at[9] + 1, len[9] - 1).toString("utf8"));
    } catch {
      return null;
    }
    return {
      seq,
      at: time,
      actorId,
      actorEmail: text(b, 3),
      actorRoles: roles as string[],
      action: text(b, 5) ?? "",
      outcome: text(b, 6) ?? "",
      targetType: text(b, 7),
      targetId: text(b, 8),
      details,
      requestId: text(b, 10),
      prevHash: text(b, 11) ?? "",
      hash: text(b, 12) ?? "",
    };
  }

  /** A field's bytes as a string of as many characters (latin1): equal strings are equal bytes. */
  const raw = (b: Buffer, f: number): string => (len[f] < 0 ? "" : b.toString("latin1", at[f], at[f] + len[f]));

  /** What verifying a run of rows found (one batch of the COPY stream). */
  type Summary = {
    /** Rows read (the trailer and the header are not rows). */
    n: number;
    /** Index of the first row that failed (bad hash, link, sequence, unreadable, a head's hash), or -1. */
    bad: number;
    first: { seq: string; prevHash: string; hash: string } | null;
    last: { seq: string; prevHash: string; hash: string } | null;
    /** The stream's trailer was in this batch. */
    ended: boolean;
    /** Rows that went the reference way. */
    slow: number;
  };

  const describe = (b: Buffer) => ({ seq: b.readBigInt64BE(at[0]).toString(), prevHash: raw(b, 11), hash: raw(b, 12) });

  /**
   * Verifies the rows in `b` (whole rows of a binary COPY stream, the first batch starting with its header): each
   * row's hash, and each row's sequence number and previous-hash against the row before it in the batch. Signed
   * heads (`anchors`, seq → hash) must match where they fall. Linking the batch to the one before is the caller's.
   */
  function verifyRows(bytes: Uint8Array, anchors: Map<number, string> | null): Summary {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const summary: Summary = { n: 0, bad: -1, first: null, last: null, ended: false, slow: 0 };
    let i = 0;
    const end = b.length;
    if (end >= 11 && SIGNATURE.every((x, k) => b[k] === x)) {
      if (end < 19) return { ...summary, bad: 0 };
      i = 19 + int32(b, 15);
    }
    let prevSeq = NaN;
    let prevHash = "";
    let lastStart = -1;
    while (i < end) {
      const kind = readRow(b, i, end);
      if (kind === 0) {
        summary.ended = true;
        break;
      }
      const row = summary.n;
      if (kind < 0 || len[0] !== 8 || len[11] < 0 || len[12] < 0) {
        summary.bad = row;
        return summary;
      }
      ensure(len[11] + 1 + 2 * (rowEnd - i) + 1024);
      out.set(b.subarray(at[11], at[11] + len[11]), 0);
      p = len[11];
      out[p++] = 0x0a;
      let hex: string;
      if (bytePath(b)) {
        let view = views.get(p);
        if (!view) {
          view = out.subarray(0, p);
          views.set(p, view);
        }
        hex = digest("sha256", view, "hex");
      } else {
        summary.slow++;
        const e = decode(b);
        if (!e) {
          summary.bad = row;
          return summary;
        }
        hex = digest("sha256", e.prevHash + "\n" + core.eventBody(e), "hex");
      }
      const seq = int64(b, at[0]);
      const hash = raw(b, 12);
      if (!Number.isSafeInteger(seq) || hash !== hex || (row > 0 && (seq !== prevSeq + 1 || raw(b, 11) !== prevHash))) {
        summary.bad = row;
        return summary;
      }
      if (anchors !== null) {
        const expected = anchors.get(seq);
        if (expected !== undefined && expected !== hash) {
          summary.bad = row;
          return summary;
        }
      }
      if (row === 0) summary.first = describe(b);
      prevSeq = seq;
      prevHash = hash;
      lastStart = i;
      summary.n++;
      i = rowEnd;
    }
    if (lastStart >= 0) {
      readRow(b, lastStart, end);
      summary.last = describe(b);
    }
    return summary;
  }

  /**
   * The hashed text of the row at `i`, by the byte path (null where it declines the row) and by the reference path
   * (null when the row cannot be read), and where the next row starts: for tests that hold the two paths together.
   */
  function hashedTexts(b: Uint8Array, i: number): { fast: string | null; reference: string | null; next: number } | null {
    if (readRow(b, i, b.length) !== 1 || len[11] < 0) return null;
    ensure(len[11] + 1 + 2 * (rowEnd - i) + 1024);
    out.set(b.subarray(at[11], at[11] + len[11]), 0);
    p = len[11];
    out[p++] = 0x0a;
    const fast = bytePath(b) ? Buffer.from(out.buffer, out.byteOffset, p).toString("utf8") : null;
    const e = decode(b);
    return { fast, reference: e ? e.prevHash + "\n" + core.eventBody(e) : null, next: rowEnd };
  }

  return { verifyRows, hashedTexts };
}
