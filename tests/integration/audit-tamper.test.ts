/**
 * 1,000 random single-row tamperings of a 200-event chain — edits, deletes, inserts and reorders, each on a fresh copy
 * — must all be detected, with the first bad event named and the kind of tampering told. Most trials mutate the rows
 * (loaded once) in memory and run the verifier over them; a few hundred run on PostgreSQL itself, inside a
 * transaction that bypasses the append-only trigger (as a superuser attacker would), verified through the same
 * batched reader the portal uses, and rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { appendAudit, verifyChain } from "@/lib/audit/log";
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainProblem, type StoredEvent, type VerifyResult } from "@/lib/audit/chain";
import { pgRunner, scanEvents } from "@/lib/audit/source";
import type { Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

const N = 200;
const IN_MEMORY_TRIALS = 500;
const POSTGRES_TRIALS = 500;
const POSTGRES_SLICE = 100;
const SEED = Number(process.env.TAMPER_SEED ?? 20261128);

let client: Db;
let pgClient: pg.Client;
let url: string;
let original: StoredEvent[];
let head: { seq: bigint; hash: string };

const people = [
  { id: "00000000-0000-4000-8000-000000000001", email: "sam.rivera@ops.example", roles: ["SRE" as const] },
  { id: "00000000-0000-4000-8000-000000000002", email: "ada.mensah@ops.example", roles: ["AUDITOR" as const] },
  { id: "00000000-0000-4000-8000-000000000003", email: "ines.carter@ops.example", roles: ["INCIDENT_COMMANDER" as const] },
];

beforeAll(async () => {
  ({ client, url } = await useFreshDatabase());
  await client.$transaction(
    async (tx) => {
      for (let i = 1; i <= N; i++) {
        const who = i % 7 === 0 ? null : people[i % people.length];
        await appendAudit(tx, {
          actor: who,
          action: ["run.start", "run.step.signed", "command.succeeded", "incident.status_changed"][i % 4],
          outcome: i % 11 === 0 ? "refused" : "allowed",
          target: i % 5 === 0 ? null : { type: "run", id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` },
          details: { i, stepId: `step-${i % 9}`, note: i % 3 ? `note “${i}”, with, commas` : null, nested: { b: [1, 2, { z: i }], a: true }, before: { status: "OPEN" }, after: { status: i % 2 ? "MITIGATED" : "RESOLVED" } },
          requestId: who ? `req-${i}` : null,
        });
      }
    },
    { timeout: 60_000 },
  );
  pgClient = new pg.Client({ connectionString: url });
  await pgClient.connect();
  original = [];
  for await (const batch of scanEvents(pgRunner(pgClient))) original.push(...batch);
  head = { seq: original[N - 1].seq, hash: original[N - 1].hash };
});

afterAll(async () => {
  await pgClient?.end();
  await client?.$disconnect();
});

/** A small deterministic generator (the seed is in the failure message, and TAMPER_SEED replays a run). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Expected = { seq: bigint; problem: ChainProblem };
/** One tampering: how to apply it to a copy of the rows in memory and to the table, and what must be reported. */
type Tamper = { kind?: string; name: string; memory: (rows: StoredEvent[]) => StoredEvent[]; sql: { text: string; values?: unknown[] }[]; expected: Expected };

const rehash = (e: StoredEvent): StoredEvent => ({ ...e, hash: hashEvent(e) });
const hex = () => randomBytes(32).toString("hex");
const COLUMNS = `seq, at, "actorId", "actorEmail", "actorRoles", action, outcome, "targetType", "targetId", details, "requestId", "prevHash", hash`;
const insertSql = (e: StoredEvent) => ({
  text: `INSERT INTO audit_event (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
  values: [e.seq.toString(), e.at, e.actorId, e.actorEmail, e.actorRoles, e.action, e.outcome, e.targetType, e.targetId, JSON.stringify(e.details), e.requestId, e.prevHash, e.hash],
});
/** Renumbers seq >= from by `by` without tripping the primary key mid-statement (negative values in between). */
const shift = (from: bigint, by: number) => [
  { text: `UPDATE audit_event SET seq = -(seq + $2::bigint) WHERE seq >= $1::bigint`, values: [from.toString(), by] },
  { text: `UPDATE audit_event SET seq = -seq WHERE seq < 0` },
];
const renumber = (rows: StoredEvent[], from: bigint, by: bigint) => rows.map((e) => (e.seq >= from ? { ...e, seq: e.seq + by } : e));

const FIELD_EDITS: { column: string; sql: string; memory: (e: StoredEvent) => StoredEvent }[] = [
  { column: "action", sql: `action = action || '.x'`, memory: (e) => ({ ...e, action: e.action + ".x" }) },
  { column: "actorEmail", sql: `"actorEmail" = 'mallory@evil.example'`, memory: (e) => ({ ...e, actorEmail: "mallory@evil.example" }) },
  { column: "outcome", sql: `outcome = CASE WHEN outcome = 'allowed' THEN 'refused' ELSE 'allowed' END`, memory: (e) => ({ ...e, outcome: e.outcome === "allowed" ? "refused" : "allowed" }) },
  { column: "targetId", sql: `"targetId" = 'forged-target'`, memory: (e) => ({ ...e, targetId: "forged-target" }) },
  { column: "requestId", sql: `"requestId" = 'forged-request'`, memory: (e) => ({ ...e, requestId: "forged-request" }) },
  { column: "details", sql: `details = jsonb_set(details, '{after,status}', '"OPEN"')`, memory: (e) => ({ ...e, details: { ...(e.details as object), after: { status: "OPEN" } } }) },
  { column: "at", sql: `at = at + interval '1 millisecond'`, memory: (e) => ({ ...e, at: new Date(e.at.getTime() + 1) }) },
  { column: "actorRoles", sql: `"actorRoles" = ARRAY['AUDITOR', 'SRE']`, memory: (e) => ({ ...e, actorRoles: ["AUDITOR", "SRE"] }) },
];

function makeTamper(r: () => number, rows: StoredEvent[]): Tamper & { kind: string } {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const at = (k: number) => rows[k - 1];
  const last = BigInt(N);
  const kinds = ["edit-field", "edit-hash", "edit-prevhash", "rewrite-rehash", "delete", "delete-renumber", "insert-duplicate-seq", "insert-renumber", "insert-broken-link", "insert-before-first", "append-replay", "swap", "move-to-end"] as const;
  const kind = kinds[int(0, kinds.length - 1)];
  const k = int(1, N);
  const K = BigInt(k);
  return { ...build(), kind };
  function build(): Tamper {
  switch (kind) {
    case "edit-field": {
      const f = FIELD_EDITS[int(0, FIELD_EDITS.length - 1)];
      return { name: `edit ${f.column} of ${k}`, memory: (rs) => rs.map((e) => (e.seq === K ? f.memory(e) : e)), sql: [{ text: `UPDATE audit_event SET ${f.sql} WHERE seq = $1`, values: [k] }], expected: { seq: K, problem: "edited" } };
    }
    case "edit-hash": {
      const h = hex();
      return { name: `replace the hash of ${k}`, memory: (rs) => rs.map((e) => (e.seq === K ? { ...e, hash: h } : e)), sql: [{ text: `UPDATE audit_event SET hash = $2 WHERE seq = $1`, values: [k, h] }], expected: { seq: K, problem: "edited" } };
    }
    case "edit-prevhash": {
      const h = hex();
      return { name: `replace the previous hash of ${k}`, memory: (rs) => rs.map((e) => (e.seq === K ? { ...e, prevHash: h } : e)), sql: [{ text: `UPDATE audit_event SET "prevHash" = $2 WHERE seq = $1`, values: [k, h] }], expected: { seq: K, problem: "edited" } };
    }
    case "rewrite-rehash": {
      const forged = rehash({ ...at(k), details: { ...(at(k).details as object), after: { status: "FORGED" } } });
      return {
        name: `rewrite ${k} and recompute its hash`,
        memory: (rs) => rs.map((e) => (e.seq === K ? forged : e)),
        sql: [{ text: `UPDATE audit_event SET details = $2::jsonb, hash = $3 WHERE seq = $1`, values: [k, JSON.stringify(forged.details), forged.hash] }],
        // Shows where the next event still records the old hash; the last event is caught by the signed head.
        expected: k < N ? { seq: K + 1n, problem: "edited" } : { seq: K, problem: "edited" },
      };
    }
    case "delete":
      return { name: `delete ${k}`, memory: (rs) => rs.filter((e) => e.seq !== K), sql: [{ text: `DELETE FROM audit_event WHERE seq = $1`, values: [k] }], expected: k < N ? { seq: K + 1n, problem: "deleted" } : { seq: K, problem: "truncated" } };
    case "delete-renumber":
      return {
        name: `delete ${k} and renumber the rest`,
        memory: (rs) => renumber(rs.filter((e) => e.seq !== K), K + 1n, -1n),
        sql: [{ text: `DELETE FROM audit_event WHERE seq = $1`, values: [k] }, ...shift(K + 1n, -1)],
        expected: k < N ? { seq: K, problem: "deleted" } : { seq: K, problem: "truncated" },
      };
    case "insert-duplicate-seq": {
      const forged = rehash({ ...at(k), details: { forged: true }, prevHash: k > 1 ? at(k - 1).hash : GENESIS_HASH });
      const first = r() < 0.5;
      return {
        name: `insert a forged event with seq ${k} (${first ? "before" : "after"} the real one)`,
        memory: (rs) => rs.flatMap((e) => (e.seq === K ? (first ? [forged, e] : [e, forged]) : [e])),
        sql: [{ text: `ALTER TABLE audit_event DROP CONSTRAINT audit_event_pkey` }, insertSql(forged)],
        expected: { seq: K, problem: "inserted" },
      };
    }
    case "insert-renumber": {
      const forged = rehash({ ...at(k), details: { forged: true }, prevHash: k > 1 ? at(k - 1).hash : GENESIS_HASH });
      return { name: `insert a well-linked forged event at ${k}, renumbering the rest`, memory: (rs) => [...renumber(rs, K, 1n).filter((e) => e.seq < K), forged, ...renumber(rs, K, 1n).filter((e) => e.seq > K)], sql: [...shift(K, 1), insertSql(forged)], expected: { seq: K, problem: "inserted" } };
    }
    case "insert-broken-link": {
      const forged = rehash({ ...at(k), details: { forged: true }, prevHash: hex() });
      return { name: `insert a forged event with a broken link at ${k}, renumbering the rest`, memory: (rs) => [...renumber(rs, K, 1n).filter((e) => e.seq < K), forged, ...renumber(rs, K, 1n).filter((e) => e.seq > K)], sql: [...shift(K, 1), insertSql(forged)], expected: { seq: K, problem: "inserted" } };
    }
    case "insert-before-first": {
      const forged = rehash({ ...at(1), seq: 0n, details: { forged: true }, prevHash: GENESIS_HASH });
      return { name: "insert an event before the first", memory: (rs) => [forged, ...rs], sql: [insertSql(forged)], expected: { seq: 0n, problem: "inserted" } };
    }
    case "append-replay": {
      const replay = rehash({ ...at(k), seq: last + 1n });
      return { name: `append a replay of ${k}`, memory: (rs) => [...rs, replay], sql: [insertSql(replay)], expected: { seq: last + 1n, problem: "inserted" } };
    }
    case "swap": {
      let j = int(1, N - 1);
      if (j >= k) j++;
      const [i, J] = k < j ? [K, BigInt(j)] : [BigInt(j), K];
      return {
        name: `swap ${i} and ${J}`,
        memory: (rs) => rs.map((e) => (e.seq === i ? { ...at(Number(J)), seq: i } : e.seq === J ? { ...at(Number(i)), seq: J } : e)),
        sql: [
          { text: `UPDATE audit_event SET seq = -1 WHERE seq = $1`, values: [i.toString()] },
          { text: `UPDATE audit_event SET seq = $1 WHERE seq = $2`, values: [i.toString(), J.toString()] },
          { text: `UPDATE audit_event SET seq = $1 WHERE seq = -1`, values: [J.toString()] },
        ],
        expected: { seq: i, problem: "reordered" },
      };
    }
    case "move-to-end": {
      const m = BigInt(int(1, N - 1));
      return { name: `move ${m} to the end`, memory: (rs) => [...rs.filter((e) => e.seq !== m), { ...at(Number(m)), seq: last + 1n }], sql: [{ text: `UPDATE audit_event SET seq = $2 WHERE seq = $1`, values: [m.toString(), (last + 1n).toString()] }], expected: { seq: m + 1n, problem: "reordered" } };
    }
  }
  }
}

function describeResult(v: VerifyResult) {
  return v.ok ? `OK (${v.count} events)` : `${v.problem} at ${v.seq}: ${v.detail}`;
}

function check(t: Tamper, result: VerifyResult, where: string, trial: number) {
  const context = `${where} trial ${trial} (seed ${SEED}): ${t.name} → ${describeResult(result)}`;
  expect(result.ok, context).toBe(false);
  if (result.ok) return;
  expect({ seq: result.seq, problem: result.problem }, context).toEqual(t.expected);
}

describe("tampering with a 200-event chain", () => {
  it("the untouched chain verifies, in memory and on PostgreSQL, with its head", async () => {
    const v = new ChainVerifier({ anchors: [head] });
    v.push(original);
    expect(v.result()).toMatchObject({ ok: true, count: N, headSeq: BigInt(N) });
    expect(await verifyChain(pgRunner(pgClient), { anchors: [head], batchSize: 64 })).toMatchObject({ ok: true, count: N, headSeq: BigInt(N) });
    expect(await verifyChain(pgRunner(pgClient), { anchors: [head], batchSize: 64, parallel: true, workers: 2 })).toEqual({ ok: true, count: N, headSeq: BigInt(N), headHash: head.hash });
  });

  it(`detects and names ${IN_MEMORY_TRIALS} random tamperings of copies in memory`, () => {
    const r = rng(SEED);
    const seen = new Map<string, number>();
    for (let trial = 1; trial <= IN_MEMORY_TRIALS; trial++) {
      const t = makeTamper(r, original);
      const v = new ChainVerifier({ anchors: [head] });
      v.push(t.memory(original));
      check(t, v.result(), "in-memory", trial);
      seen.set(t.kind, (seen.get(t.kind) ?? 0) + 1);
    }
    expect(seen.size).toBe(13);
  });

  // The PostgreSQL trials, drawn up front from one seed, run in slices of POSTGRES_SLICE: one test of all 500 took
  // 28 s of its 30 s timeout on two cores. Same trials, same order, each slice well under half its timeout.
  let pgTamperings: ReturnType<typeof makeTamper>[] = [];
  beforeAll(() => {
    const r = rng(SEED ^ 0x5eed);
    pgTamperings = Array.from({ length: POSTGRES_TRIALS }, () => makeTamper(r, original));
  });
  const slices = Array.from({ length: POSTGRES_TRIALS / POSTGRES_SLICE }, (_, i) => i * POSTGRES_SLICE);

  it.each(slices)(`detects and names random tamperings on PostgreSQL, trials %i+ of ${POSTGRES_TRIALS} (each rolled back)`, async (first) => {
    // A connection per slice: vitest does not stop the loop of a slice that timed out, and two loops sharing one
    // connection would interleave BEGIN, tamper and ROLLBACK (a trial then verifies a log the other loop restored).
    const conn = new pg.Client({ connectionString: url });
    await conn.connect();
    try {
      const run = pgRunner(conn);
      for (let trial = first + 1; trial <= first + POSTGRES_SLICE; trial++) {
        const t = pgTamperings[trial - 1];
        await conn.query("BEGIN");
        try {
          await conn.query("SET LOCAL session_replication_role = replica");
          for (const s of t.sql) await conn.query(s.text, s.values);
          // Small batches, so breaks and repeated sequence numbers also fall on batch boundaries; every fourth trial
          // through the parallel path (worker threads until something is off, then the sequential diagnosis).
          const result = await verifyChain(run, { anchors: [head], batchSize: 16 + (trial % 48), parallel: trial % 4 === 0, workers: 2 });
          check(t, result, "PostgreSQL", trial);
        } finally {
          await conn.query("ROLLBACK");
        }
      }
      expect(await verifyChain(run, { anchors: [head] })).toMatchObject({ ok: true, count: N });
    } finally {
      await conn.end();
    }
  });

  it("the PostgreSQL trials cover every kind of tampering", () => {
    expect(new Set(pgTamperings.map((t) => t.kind)).size).toBe(13);
  });
});
