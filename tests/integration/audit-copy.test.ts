/**
 * The binary-COPY fast path of verification (lib/audit/copy-core.ts, lib/audit/parallel.ts) on PostgreSQL itself:
 * the bytes it hashes are exactly the reference path's text for awkward content (escapes, control characters,
 * non-ASCII, unsorted and nested keys, numbers JSON changes, arrays with NULLs), and over several connections and
 * ranges it reaches the same verdict as the sequential verifier for tamperings placed on range and batch edges.
 */
import { hash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENESIS_HASH, hashEvent, type StoredEvent } from "@/lib/audit/chain";
import { copyCore, COPY_COLUMNS } from "@/lib/audit/copy-core";
import { copyOut } from "@/lib/audit/copy";
import { core } from "@/lib/audit/hash-core";
import { verifyChain } from "@/lib/audit/log";
import { scanEvents } from "@/lib/audit/source";
import { pgRunner } from "@/lib/sql";
import type { Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
let pgClient: pg.Client;
let attacker: pg.Client;
let original: StoredEvent[];

/**
 * details as jsonb literals, so the table holds what JSON.stringify would never write (1.0, -0, 1e2, huge numbers),
 * each with whether the byte path can write it (plain ASCII keys without escapes; integers of up to 15 digits).
 */
const DETAILS: [string, boolean][] = [
  [`{}`, true],
  [`[]`, true],
  [`null`, true],
  [`{"stepId": "triage", "runbookId": "RB-CORE-001", "notes": null}`, true],
  [`{"b": 1, "a": 2, "ab": 3, "a b": 4, "a!": 5, "": 6, "B": 7, "_": 8}`, true],
  [`{"nested": {"z": [1, {"y": 2, "x": [true, false, null]}], "a": {}}, "list": [[], {}, ""], "n": -123456789012345}`, true],
  [`{"quote": "say \\"hi\\"", "backslash": "C:\\\\ops", "newline": "a\\nb", "tab": "\\t", "ctl": "\\u0001\\u001f", "del": "\\u007f"}`, true],
  [`{"unicode": "é 日本 😀 \\u2028 \\u2029", "notes": "non-ASCII values are copied as they are"}`, true],
  [`{"émoji-key": 1, "日本": "non-ASCII keys: UTF-16 order", "a": 2}`, false],
  [`{"\\"quoted key\\"": 1, "back\\\\slash": 2}`, false],
  [`{"int": 1, "big": 1234567890123456}`, false],
  [`{"huge": 123456789012345678901234567890}`, false],
  [`{"float": 1.5}`, false],
  [`{"one": 1.0}`, false],
  [`{"exp": 1e2}`, true], // jsonb keeps 100
  [`{"negzero": -0}`, true], // jsonb keeps 0
  [`{"𝒳": 1, "\\uffff": 2, "~": 3}`, false],
  [`{"k": "${"x".repeat(5000)}"}`, true],
];
const ROLES: [string, boolean][] = [
  [`{}`, true],
  [`{SRE}`, true],
  [`{SRE,AUDITOR}`, true],
  [`{"with \\"quote\\"","with,comma","日本"}`, false],
  [`{NULL,SRE}`, false],
];
/** Row i's content (see beforeAll), and whether every part of it can go the byte path. */
const row = (i: number) => {
  const [details, detailsFast] = DETAILS[i % DETAILS.length];
  const [roles, rolesFast] = ROLES[i % ROLES.length];
  const email = i % 7 === 0 ? null : i % 5 === 0 ? 'o"brien@ops.example' : "ada.mensah@ops.example";
  const action = i % 9 === 0 ? "run.step\tsigned" : "run.step.signed";
  // Times past 2285 are more microseconds since 2000 than a double holds exactly: those go the reference way too.
  const farFuture = i % 4 === 3;
  return { details, roles, email, action, farFuture, fast: detailsFast && rolesFast && !email?.includes('"') && !action.includes("\t") && !farFuture };
};

beforeAll(async () => {
  let url: string;
  let superUrl: string;
  ({ client, url, superUrl } = await useFreshDatabase());
  // The portal's role reads; the superuser writes rows directly (set-up, and the tamperings).
  pgClient = new pg.Client({ connectionString: url });
  await pgClient.connect();
  attacker = new pg.Client({ connectionString: superUrl });
  await attacker.connect();
  // Rows written directly (as only a migration or an attacker could), hashes filled in afterwards from what the
  // reference reader gives back, so the chain is valid by the reference definition whatever the content.
  const at = [Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(1999, 11, 31, 23, 59, 59, 1), Date.UTC(2026, 10, 28, 9, 30, 0, 5), Date.UTC(9999, 11, 30, 23, 59, 59, 0)];
  const values: string[] = [];
  for (let i = 1; i <= 120; i++) {
    const r = row(i);
    const s = (v: string | null) => (v === null ? "NULL" : `'${v.replace(/'/g, "''")}'`);
    values.push(
      `(${i}, to_timestamp(${at[i % at.length] + i} / 1000.0), ${i % 6 === 0 ? "NULL" : `'00000000-0000-4000-8000-${String(i).padStart(12, "0")}'`}, ${s(r.email)},
        ${s(r.roles)}, ${s(r.action)}, 'allowed', ${s(i % 4 === 0 ? null : "run")}, ${s(i % 4 === 0 ? null : i % 8 === 1 ? "id with ünïcode" : `run-${i}`)},
        ${s(r.details)}::jsonb, ${s(i % 3 === 0 ? null : `req-${i}`)}, 'x', 'x${i}')`,
    );
  }
  await asAttacker(`INSERT INTO audit_event (${COPY_COLUMNS}) VALUES ${values.join(",\n")}`);
  const rows: StoredEvent[] = [];
  for await (const batch of scanEvents(pgRunner(pgClient), { packed: false })) rows.push(...batch);
  let prev = GENESIS_HASH;
  for (const e of rows) {
    e.prevHash = prev;
    e.hash = hashEvent(e);
    prev = e.hash;
  }
  await asAttacker({
    text: `UPDATE audit_event a SET "prevHash" = v.p, hash = v.h FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(s, p, h) WHERE a.seq = v.s`,
    values: [rows.map((e) => e.seq.toString()), rows.map((e) => e.prevHash), rows.map((e) => e.hash)],
  });
  await attacker.query(`CREATE TABLE audit_event_copy AS SELECT * FROM audit_event`);
  original = rows;
});

/** Statements in one transaction with the append-only trigger bypassed, as a superuser attacker (or this setup) can. */
async function asAttacker(...statements: (string | { text: string; values: unknown[] })[]) {
  await attacker.query("BEGIN");
  try {
    await attacker.query("SET LOCAL session_replication_role = replica");
    for (const s of statements) await attacker.query(s);
    await attacker.query("COMMIT");
  } catch (e) {
    await attacker.query("ROLLBACK");
    throw e;
  }
}

afterAll(async () => {
  await attacker?.end();
  await pgClient?.end();
  await client?.$disconnect();
});

async function copyBytes(sql: string): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  await copyOut(pgClient, sql, (chunk) => parts.push(Buffer.from(chunk)));
  return new Uint8Array(Buffer.concat(parts));
}

describe("the binary COPY fast path", () => {
  it("hashes exactly the reference text for awkward content, and takes the byte path wherever it can", async () => {
    const bytes = await copyBytes(`COPY (SELECT ${COPY_COLUMNS} FROM audit_event ORDER BY seq) TO STDOUT (FORMAT binary)`);
    const cc = copyCore(core, hash as never);
    let i = 19;
    let rows = 0;
    const fast: number[] = [];
    for (;;) {
      const t = cc.hashedTexts(bytes, i);
      if (!t) break;
      const e = original[rows++];
      expect(t.reference, `row ${rows}`).toBe(e.prevHash + "\n" + core.eventBody(e));
      if (t.fast !== null) {
        fast.push(rows);
        expect(t.fast, `row ${rows}`).toBe(t.reference);
      }
      i = t.next;
    }
    expect(rows).toBe(original.length);
    // The byte path declines exactly what it must: floats and long integers, escaped or non-ASCII keys, quotes and
    // control characters in plain columns, NULL array elements.
    const eligible = original.filter((e) => row(Number(e.seq)).fast).map((e) => Number(e.seq));
    expect(eligible.length).toBeGreaterThan(20);
    expect(fast).toEqual(eligible);

    const summary = cc.verifyRows(bytes, null);
    expect(summary).toMatchObject({ n: original.length, bad: -1, ended: true });
    expect(summary.slow).toBe(original.length - fast.length);
  });

  it("verifies the chain over one connection and over several, in small ranges and batches", async () => {
    const expected = { ok: true, count: original.length, headSeq: original[original.length - 1].seq, headHash: original[original.length - 1].hash };
    const paths: string[] = [];
    expect(await verifyChain(client, { parallel: false, onPath: (p) => paths.push(p) })).toEqual(expected);
    expect(await verifyChain(client, { parallel: false, batchSize: 7 })).toEqual(expected);
    expect(await verifyChain(pgRunner(pgClient), { parallel: true, batchSize: 7, onPath: (p) => paths.push(p) })).toEqual(expected);
    expect(await verifyChain(client, { parallel: true, batchSize: 5, rangeSize: 13, connections: 3, workers: 3, onPath: (p) => paths.push(p) })).toEqual(expected);
    expect(await verifyChain(client, { parallel: true, rangeSize: 50, connections: 1, onPath: (p) => paths.push(p) })).toEqual(expected);
    expect(await verifyChain(client, { parallel: true, onPath: (p) => paths.push(p) })).toEqual(expected);
    expect(paths).toEqual(["sequential", "parallel", "parallel", "parallel", "parallel"]);
  });
});

describe("tampering seen through several connections", () => {
  const N = () => BigInt(original.length);
  const restore = () => asAttacker(`DELETE FROM audit_event`, `INSERT INTO audit_event SELECT * FROM audit_event_copy`);

  // Ranges of 13 and batches of 5: breaks just before, on and after their edges, and at both ends.
  const positions = [1n, 2n, 5n, 6n, 13n, 14n, 15n, 26n, 27n, 60n, 119n, 120n];
  const kinds: { name: string; apply: (k: bigint) => Promise<void> }[] = [
    { name: "edit details", apply: (k) => asAttacker(`UPDATE audit_event SET details = '{"forged": true}' WHERE seq = ${k}`) },
    { name: "edit hash", apply: (k) => asAttacker(`UPDATE audit_event SET hash = repeat('ab', 32) WHERE seq = ${k}`) },
    { name: "delete", apply: (k) => asAttacker(`DELETE FROM audit_event WHERE seq = ${k}`) },
    { name: "delete and renumber", apply: (k) => asAttacker(`DELETE FROM audit_event WHERE seq = ${k}`, `UPDATE audit_event SET seq = -(seq - 1) WHERE seq > ${k}`, `UPDATE audit_event SET seq = -seq WHERE seq < 0`) },
    { name: "swap with the next", apply: (k) => asAttacker(`UPDATE audit_event SET seq = -1 WHERE seq = ${k}`, `UPDATE audit_event SET seq = ${k} WHERE seq = ${k + 1n}`, `UPDATE audit_event SET seq = ${k + 1n} WHERE seq = -1`) },
    {
      name: "replay appended",
      apply: (k) => {
        const e = original[Number(k) - 1];
        const replay = { ...e, seq: N() + 1n, hash: hashEvent({ ...e, seq: N() + 1n }) };
        return asAttacker({
          text: `INSERT INTO audit_event (${COPY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          values: [replay.seq.toString(), replay.at, replay.actorId, replay.actorEmail, replay.actorRoles, replay.action, replay.outcome, replay.targetType, replay.targetId, JSON.stringify(replay.details), replay.requestId, replay.prevHash, replay.hash],
        });
      },
    },
  ];

  for (const kind of kinds) {
    it(`${kind.name}: the same verdict as the sequential verifier, at every position`, async () => {
      for (const k of positions) {
        if (kind.name === "swap with the next" && k === N()) continue;
        await kind.apply(k);
        try {
          const anchors = [{ seq: N(), hash: original[original.length - 1].hash }];
          const sequential = await verifyChain(client, { parallel: false, anchors });
          const parallel = await verifyChain(client, { parallel: true, anchors, batchSize: 5, rangeSize: 13, connections: 2, workers: 2 });
          expect(sequential.ok, `${kind.name} at ${k}`).toBe(false);
          expect(parallel, `${kind.name} at ${k}`).toEqual(sequential);
        } finally {
          await restore();
        }
      }
      expect(await verifyChain(client, { parallel: true, batchSize: 5, rangeSize: 13 })).toMatchObject({ ok: true, count: original.length });
    });
  }
});
