import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, verifyChain } from "@/lib/audit/log";
import type { Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
const actor = { id: "00000000-0000-4000-8000-000000000001", email: "sam.rivera@ops.example", roles: ["SRE" as const] };

beforeAll(async () => {
  ({ client } = await useFreshDatabase());
});
afterAll(async () => {
  await client.$disconnect();
});

/** Edits rows the way an attacker with superuser access would: with the append-only trigger bypassed. */
async function tamper(sql: string) {
  await client.$transaction([client.$executeRawUnsafe("SET LOCAL session_replication_role = replica"), client.$executeRawUnsafe(sql)]);
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

  it("refuses UPDATE and DELETE from ordinary sessions", async () => {
    await expect(client.$executeRawUnsafe(`UPDATE audit_event SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(client.$executeRawUnsafe(`DELETE FROM audit_event WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it("names the event whose details were edited directly in the database", async () => {
    await tamper(`UPDATE audit_event SET details = jsonb_set(details, '{i}', '999') WHERE seq = 7`);
    const result = await verifyChain(client, { batchSize: 3 });
    expect(result).toMatchObject({ ok: false, seq: 7n, problem: "edited", count: 6 });
  });

  it("names the first missing event after a delete", async () => {
    await tamper(`UPDATE audit_event SET details = details WHERE seq = 7`); // no-op; seq 7 stays edited
    await tamper(`DELETE FROM audit_event WHERE seq = 3`);
    const result = await verifyChain(client);
    expect(result).toMatchObject({ ok: false, seq: 4n, problem: "deleted" });
  });
});
