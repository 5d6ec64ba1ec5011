import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import pg from "pg";
import { queryAuditPage } from "@/lib/audit/filter-sql";
import { isSqlRunner, pgRunner, prismaRunner } from "@/lib/sql";
import { anotherFreshDatabase, useFreshDatabase } from "./db";

let client: Db;
let attacker: pg.Client;
let ownerUrl: string;
const actor = { id: "00000000-0000-4000-8000-000000000001", email: "sam.rivera@ops.example", roles: ["SRE" as const] };

beforeAll(async () => {
  let superUrl: string;
  ({ client, superUrl, ownerUrl } = await useFreshDatabase());
  attacker = new pg.Client({ connectionString: superUrl });
  await attacker.connect();
});
afterAll(async () => {
  await attacker?.end();
  await client.$disconnect();
});

/** Edits rows the way an attacker with superuser access would: with the append-only trigger bypassed. */
async function tamper(sql: string) {
  await attacker.query("BEGIN");
  try {
    await attacker.query("SET LOCAL session_replication_role = replica");
    await attacker.query(sql);
    await attacker.query("COMMIT");
  } catch (e) {
    await attacker.query("ROLLBACK");
    throw e;
  }
}

describe("audit hash chain on PostgreSQL", () => {
  it("appends from 20 concurrent transactions without forking the chain", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.$transaction(async (tx) => {
          await tx.$executeRawUnsafe("SELECT pg_sleep(0.01)");
          return appendAudit(tx, { actor, action: "test.concurrent", details: { i, nested: { b: 2, a: [1, "x"] } } });
        }),
      ),
    );
    const rows = await client.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(20);
    const result = await verifyChain(client);
    expect(result).toMatchObject({ ok: true, count: 20, headSeq: 20n });
  });

  it("hashes in the database exactly as the verifier does, whatever the details hold", async () => {
    // audit_append builds the hashed text from the body JavaScript made, cut where the sequence number goes.
    const awkward = [
      { text: "Zoë — naïve café, 東京, emoji 🚨🧯, lone \ud83d surrogate", ctl: "\u0001seq\u0001 \n\t\u0000" },
      { seq: "999", nested: { seq: '"seq":"1"', "": null, "é": [1.5, -0, 1e21, true] } },
      { big: "x".repeat(20_000), quote: '"},{"seq":"7"' },
    ];
    const stored = [];
    for (const details of awkward) stored.push(await client.$transaction((tx) => appendAudit(tx, { actor, action: "test.awkward", target: { type: "run", id: "ü-1" }, details })));
    const rows = await client.auditEvent.findMany({ where: { action: "test.awkward" }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.hash)).toEqual(stored.map((e) => e.hash));
    expect(rows.map((r) => r.prevHash)).toEqual(stored.map((e) => e.prevHash));
    // PostgreSQL cannot store NUL or an unpaired surrogate: they are replaced, not a reason for the write to fail.
    expect(rows[0].details).toMatchObject({ text: "Zoë — naïve café, 東京, emoji 🚨🧯, lone \uFFFD surrogate", ctl: "\u0001seq\u0001 \n\t\uFFFD" });
    expect((await verifyChain(client)).ok).toBe(true);
  });

  it("rolls the event back with the transaction that failed", async () => {
    await expect(
      client.$transaction(async (tx) => {
        await appendAudit(tx, { actor, action: "test.rolled_back" });
        throw new Error("change failed");
      }),
    ).rejects.toThrow("change failed");
    expect(await client.auditEvent.count({ where: { action: "test.rolled_back" } })).toBe(0);
    expect((await verifyChain(client)).ok).toBe(true);
  });

  it("refuses UPDATE and DELETE to the portal's role (no privilege) and to the owner (the append-only trigger)", async () => {
    await expect(client.$executeRawUnsafe(`UPDATE audit_event SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/permission denied/);
    await expect(client.$executeRawUnsafe(`DELETE FROM audit_event WHERE seq = 1`)).rejects.toThrow(/permission denied/);
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await expect(owner.query(`UPDATE audit_event SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/audit_event is append-only/);
      await expect(owner.query(`DELETE FROM audit_event WHERE seq = 1`)).rejects.toThrow(/audit_event is append-only/);
    } finally {
      await owner.end();
    }
  });

  it("names the event whose details were edited directly in the database", async () => {
    await tamper(`UPDATE audit_event SET details = jsonb_set(details, '{i}', '999') WHERE seq = 7`);
    const result = await verifyChain(client, { batchSize: 3 });
    expect(result).toMatchObject({ ok: false, seq: 7n, problem: "edited", count: 6 });
  });

  it("names an event whose details were replaced by a bare JSON value, on every reading path, and still lists it", async () => {
    for (const value of [`'"just a string"'`, `'null'`, `'[1, 2]'`, `'42'`]) {
      const { client: copy, url, superUrl } = await anotherFreshDatabase();
      for (let i = 0; i < 5; i++) await copy.$transaction((tx) => appendAudit(tx, { actor, action: "test.bare", details: { i } }));
      const su = new pg.Client({ connectionString: superUrl });
      await su.connect();
      await su.query(`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_event SET details = ${value}::jsonb WHERE seq = 3; COMMIT`);
      await su.end();
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      for (const reader of [copy, pgRunner(pool)]) {
        for (const parallel of [false, true]) {
          expect(await verifyChain(reader, { parallel }), `${value}, parallel ${parallel}`).toMatchObject({ ok: false, seq: 3n, problem: "edited" });
        }
        // The review still shows the tampered event (with its details as they are now), not an error.
        const page = await queryAuditPage(isSqlRunner(reader) ? reader : prismaRunner(reader), { kind: "all" }, {}, {}, 10);
        expect(page.events.map((e) => Number(e.seq))).toEqual([5, 4, 3, 2, 1]);
        expect(page.events[2].details).toEqual(JSON.parse(value.slice(1, -1)));
      }
      await pool.end();
      await copy.$disconnect();
    }
  });

  it("names the first missing event after a delete", async () => {
    await tamper(`UPDATE audit_event SET details = details WHERE seq = 7`); // no-op; seq 7 stays edited
    await tamper(`DELETE FROM audit_event WHERE seq = 3`);
    const result = await verifyChain(client);
    expect(result).toMatchObject({ ok: false, seq: 4n, problem: "deleted" });
  });
});
