/**
 * 1,000 random single-row tamperings of a 200-event chain — edits, deletes, inserts and reorders, each on a fresh copy
 * — must all be detected, with the first bad event named and the kind of tampering told. Most trials mutate the rows
 * (loaded once) in memory and run the verifier over them; a few hundred run on PostgreSQL itself, inside a
 * transaction that bypasses the append-only trigger (as a superuser attacker would), verified through the same
 * batched reader the portal uses, and rolled back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { appendAudit, verifyChain } from "@/lib/audit/log";
import { ChainVerifier, GENESIS_HASH, hashEvent, signHead, type ChainProblem, type StoredEvent, type VerifyResult } from "@/lib/audit/chain";
import { scanEvents } from "@/lib/audit/source";
import { pgRunner } from "@/lib/sql";
import { verifyWholeChain } from "@/lib/audit/actions";
import { readAnchorFile } from "@/lib/audit/anchor";
import { signHeadIfAdvanced } from "@/lib/audit/head-signer";
import { loadAnchors, prepareHead } from "@/lib/audit/heads";
import { anchorSettings } from "@/lib/env";
import type { Db } from "@/lib/db";
import { anotherFreshDatabase, useFreshDatabase } from "./db";

const N = 200;
const IN_MEMORY_TRIALS = 500;
const POSTGRES_TRIALS = 500;
const POSTGRES_SLICE = 100;
const SEED = Number(process.env.TAMPER_SEED ?? 20261128);

let client: Db;
let pgClient: pg.Client;
let url: string;
let superUrl: string;
let original: StoredEvent[];
let head: { seq: bigint; hash: string };

const people = [
  { id: "00000000-0000-4000-8000-000000000001", email: "sam.rivera@ops.example", roles: ["SRE" as const] },
  { id: "00000000-0000-4000-8000-000000000002", email: "ada.mensah@ops.example", roles: ["AUDITOR" as const] },
  { id: "00000000-0000-4000-8000-000000000003", email: "ines.carter@ops.example", roles: ["INCIDENT_COMMANDER" as const] },
];

beforeAll(async () => {
  ({ client, url, superUrl } = await useFreshDatabase());
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
    // As the superuser: only it can bypass the append-only trigger with session_replication_role.
    const conn = new pg.Client({ connectionString: superUrl });
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
    // The first slice starts the verifier's worker threads cold: 18 s of 30 beside a CPU hog and the other lane.
  }, 60_000);

  it("the PostgreSQL trials cover every kind of tampering", () => {
    expect(new Set(pgTamperings.map((t) => t.kind)).size).toBe(13);
  });
});

/**
 * Issue 14 item 5: an insider who can reach the database rewrites the tail of the log and the chain heads so that
 * everything links up again. As the portal's own role (DATABASE_URL) PostgreSQL refuses every way in; as the owner
 * (who can do anything to its tables) the rewrite succeeds and passes the in-database verification, and only the
 * heads anchored outside the database (lib/audit/anchor.ts) show it.
 */
describe("rewriting the tail and the heads", () => {
  const KEY = "tamper-test-audit-key-0123456789";
  const EVENTS = 50;

  /** A fresh chain of 50 events with two signed heads (at 40 and 50), each anchored in a file of its own. */
  async function anchoredChain() {
    const fresh = await anotherFreshDatabase();
    const anchorFile = path.join(mkdtempSync(path.join(tmpdir(), "portal-tamper-anchor-")), "audit-anchors.jsonl");
    process.env.AUDIT_ANCHOR_FILE = anchorFile;
    const append = (i: number) => fresh.client.$transaction((tx) => appendAudit(tx, { actor: people[i % 3], action: "run.step.signed", target: { type: "run", id: `run-${i}` }, details: { i, after: { status: "DONE" } } }));
    for (let i = 1; i <= 40; i++) await append(i);
    expect(await signHeadIfAdvanced(KEY, fresh.client)).toBe(40n);
    for (let i = 41; i <= EVENTS; i++) await append(i);
    expect(await signHeadIfAdvanced(KEY, fresh.client)).toBe(BigInt(EVENTS));
    const settings = anchorSettings();
    expect(settings.AUDIT_ANCHOR_FILE).toBe(anchorFile);
    expect((await readAnchorFile(anchorFile)).entries.map((e) => e.entry.seq)).toEqual(["40", String(EVENTS)]);
    return { ...fresh, anchorFile, settings, append };
  }

  /** What the database alone says: the chain walked against the heads stored in it (with valid HMACs). */
  async function inDatabaseVerification(c: Db) {
    const { anchors, invalid } = await loadAnchors(c, KEY);
    return { result: await verifyChain(c, { anchors }), heads: anchors.length, invalid: invalid.length };
  }

  /** The owner's rewrite: event `from`'s details changed, it and every later event re-hashed and re-linked. */
  async function rewriteTail(owner: pg.Client, from: bigint) {
    const rows: StoredEvent[] = [];
    for await (const batch of scanEvents(pgRunner(owner))) rows.push(...batch);
    let prev = rows.find((e) => e.seq === from - 1n)!.hash;
    const forged = new Map<bigint, StoredEvent>();
    for (const e of rows.filter((r) => r.seq >= from)) {
      const body = e.seq === from ? { ...e, details: { ...(e.details as object), after: { status: "SKIPPED" }, forged: true } } : e;
      const next = { ...body, prevHash: prev };
      next.hash = hashEvent(next);
      forged.set(e.seq, next);
      prev = next.hash;
    }
    // Hashes are unique: move the old ones out of the way first.
    await owner.query(`UPDATE audit_event SET hash = 'old-' || hash WHERE seq >= $1`, [from.toString()]);
    for (const e of forged.values()) {
      await owner.query(`UPDATE audit_event SET details = $2::jsonb, "prevHash" = $3, hash = $4 WHERE seq = $1`, [e.seq.toString(), JSON.stringify(e.details), e.prevHash, e.hash]);
    }
    return forged;
  }

  async function connect(url: string) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }

  /** Runs `tamper` as the owner in one transaction, with the log's and the heads' append-only triggers switched off. */
  async function asOwnerWithoutTriggers(ownerUrl: string, tamper: (owner: pg.Client) => Promise<unknown>) {
    const owner = await connect(ownerUrl);
    try {
      await owner.query("BEGIN");
      await owner.query("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
      await owner.query("ALTER TABLE chain_head DISABLE TRIGGER chain_head_append_only");
      await tamper(owner);
      await owner.query("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
      await owner.query("ALTER TABLE chain_head ENABLE TRIGGER chain_head_append_only");
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }
  }

  it("rewrite tail and heads as the application role: PostgreSQL refuses every way in, and the chain still verifies", async () => {
    const chain = await anchoredChain();
    const app = await connect(chain.url);
    try {
      expect((await app.query<{ r: string }>("SELECT current_user AS r")).rows[0].r).toBe("portal_app");
      const [event] = (await app.query<{ hash: string }>(`SELECT hash FROM audit_event WHERE seq = 45`)).rows;
      const forgedEvent = insertSql({ ...original[0], seq: 51n, prevHash: hex(), hash: hex() });
      const attempts: [string, string | { text: string; values?: unknown[] }][] = [
        ["edit an event", `UPDATE audit_event SET details = '{"forged": true}' WHERE seq = 45`],
        ["delete the tail", `DELETE FROM audit_event WHERE seq > 40`],
        ["truncate the log", `TRUNCATE audit_event`],
        ["insert a forged event", forgedEvent],
        ["disable the log's append-only trigger", `ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`],
        ["disable every trigger of the log", `ALTER TABLE audit_event DISABLE TRIGGER ALL`],
        ["drop the log's trigger", `DROP TRIGGER audit_event_append_only ON audit_event`],
        ["bypass triggers for the session", `SET session_replication_role = replica`],
        ["rewrite a head", { text: `UPDATE chain_head SET hash = $1, hmac = $2 WHERE seq = 40`, values: [event.hash, signHead(KEY, 40n, event.hash)] }],
        ["delete the heads", `DELETE FROM chain_head`],
        ["truncate the heads", `TRUNCATE chain_head`],
        ["insert a head directly", { text: `INSERT INTO chain_head (seq, hash, hmac, reason) VALUES (45, $1, $2, 'forged')`, values: [event.hash, signHead(KEY, 45n, event.hash)] }],
        ["disable the heads' append-only trigger", `ALTER TABLE chain_head DISABLE TRIGGER chain_head_append_only`],
        [
          "replace the append function",
          `CREATE OR REPLACE FUNCTION audit_append(timestamptz, uuid, text, text[], text, text, text, text, jsonb, text, text, text)
             RETURNS TABLE (o_seq bigint, o_prev_hash text, o_hash text) LANGUAGE sql AS $$ SELECT 1::bigint, 'x', 'y' $$`,
        ],
        ["create a function of its own in the schema", `CREATE FUNCTION public.sha256(text) RETURNS text LANGUAGE sql AS 'SELECT ''x'''`],
        ["take ownership of the log", `ALTER TABLE audit_event OWNER TO portal_app`],
      ];
      for (const [what, sql] of attempts) {
        const error = await app.query(sql).then(
          () => null,
          (e: pg.DatabaseError) => e,
        );
        expect(error, `${what}: PostgreSQL must refuse it`).not.toBeNull();
        expect(error?.code, `${what}: ${error?.message}`).toBe("42501");
      }
      // The one way to record a head refuses a head that does not name an event of the chain.
      const bogus = await app.query(`SELECT * FROM audit_record_head(45, $1, $2, 'forged')`, ["f".repeat(64), signHead(KEY, 45n, "f".repeat(64))]).then(
        () => null,
        (e: pg.DatabaseError) => e,
      );
      expect(bogus?.code, bogus?.message).toBe("23514");
    } finally {
      await app.end();
    }
    // Appending still works (through audit_append), and everything verifies, against the anchors too.
    await chain.append(EVENTS + 1);
    const report = await verifyWholeChain(chain.client, KEY, chain.settings);
    expect(report).toMatchObject({ ok: true, events: EVENTS + 1, headsChecked: 4, anchors: { status: "ok", entries: 2, matched: 2, problems: [] } });
    await chain.client.$disconnect();
  });

  it("rewrite tail and heads as the owner, who also holds the HMAC key: the database verifies, the anchors do not", async () => {
    const chain = await anchoredChain();
    const owner = await connect(chain.ownerUrl);
    try {
      expect((await owner.query<{ r: string }>("SELECT current_user AS r")).rows[0].r).toBe("portal_owner");
      // The owner can do what the portal's role cannot: switch off the append-only triggers, rewrite, switch them on.
      await owner.query("BEGIN");
      await owner.query("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
      await owner.query("ALTER TABLE chain_head DISABLE TRIGGER chain_head_append_only");
      const forged = await rewriteTail(owner, 30n);
      for (const seq of [40n, BigInt(EVENTS)]) {
        const h = forged.get(seq)!.hash;
        await owner.query(`UPDATE chain_head SET hash = $2, hmac = $3 WHERE seq = $1`, [seq.toString(), h, signHead(KEY, seq, h)]);
      }
      await owner.query("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
      await owner.query("ALTER TABLE chain_head ENABLE TRIGGER chain_head_append_only");
      await owner.query("COMMIT");
    } finally {
      await owner.end();
    }

    // Inside the database everything is consistent: the chain links up and every head's HMAC is valid.
    expect(await inDatabaseVerification(chain.client)).toMatchObject({ result: { ok: true, count: EVENTS }, heads: 2, invalid: 0 });

    // The anchors recorded the original hashes: the walk names the first anchored event that differs, and the
    // comparison names both rewritten heads.
    const report = await verifyWholeChain(chain.client, KEY, chain.settings);
    expect(report).toMatchObject({ ok: false, seq: "40", problem: "edited", anchors: { status: "mismatch", matched: 0 } });
    if (!report.ok) expect(report.detail).toContain("anchored head #1");
    expect(report.anchors?.problems.map((p) => [p.kind, p.headId])).toEqual([
      ["rewritten", "1"],
      ["rewritten", "2"],
    ]);

    // And the portal puts no fresh signature over the forgery.
    await chain.append(EVENTS + 1);
    const prepared = await prepareHead(chain.client, chain.client, KEY, chain.anchorFile);
    expect(prepared).toMatchObject({ ok: false, message: expect.stringContaining(`anchored head #2 recorded outside the database`) });
    expect(await signHeadIfAdvanced(KEY, chain.client)).toBeNull();
    await chain.client.$disconnect();
  });

  it("rewrite tail and heads as the owner without the key (deleting the heads it cannot re-sign): the anchors show it", async () => {
    const chain = await anchoredChain();
    await asOwnerWithoutTriggers(chain.ownerUrl, async (owner) => {
      await rewriteTail(owner, 30n);
      await owner.query(`DELETE FROM chain_head WHERE seq >= 30`);
    });
    expect(await inDatabaseVerification(chain.client)).toMatchObject({ result: { ok: true, count: EVENTS }, heads: 0 });
    const report = await verifyWholeChain(chain.client, KEY, chain.settings);
    expect(report).toMatchObject({ ok: false, seq: "40", problem: "edited", anchors: { status: "mismatch" } });
    expect(report.anchors?.problems.map((p) => p.kind)).toEqual(["missing-from-database", "missing-from-database"]);
    await chain.client.$disconnect();
  });

  it("cutting the tail and its heads as the owner: the anchor is ahead of the chain", async () => {
    const chain = await anchoredChain();
    await asOwnerWithoutTriggers(chain.ownerUrl, async (owner) => {
      await owner.query(`DELETE FROM audit_event WHERE seq > 45`);
      await owner.query(`DELETE FROM chain_head WHERE seq > 45`);
    });
    expect(await inDatabaseVerification(chain.client)).toMatchObject({ result: { ok: true, count: 45 }, heads: 1 });
    const report = await verifyWholeChain(chain.client, KEY, chain.settings);
    expect(report).toMatchObject({ ok: false, seq: String(EVENTS), problem: "truncated", anchors: { status: "mismatch", matched: 1 } });
    expect(report.anchors?.problems.map((p) => p.kind)).toEqual(["ahead-of-chain", "missing-from-database"]);
    await chain.client.$disconnect();
  });
});
