import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, sqlTransaction, type Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;

beforeAll(async () => {
  let ownerUrl: string;
  ({ client, ownerUrl } = await useFreshDatabase());
  // Set up by the owner (the portal's role creates nothing), then granted to the portal's role like any table.
  const owner = createDb(ownerUrl);
  await owner.$executeRawUnsafe(`CREATE TABLE sql_tx_probe (id int PRIMARY KEY)`);
  await owner.$executeRawUnsafe(`GRANT SELECT, INSERT ON sql_tx_probe TO "${new URL(process.env.DATABASE_URL!).username}"`);
  await owner.$disconnect();
});
afterAll(async () => {
  await client.$disconnect();
});

const count = async () => Number((await client.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM sql_tx_probe`))[0].n);

describe("sqlTransaction (plain SQL on the Prisma client's pool)", () => {
  it("commits what the function wrote when it returns", async () => {
    const result = await sqlTransaction(async (sql) => {
      await sql(`INSERT INTO sql_tx_probe (id) VALUES ($1)`, [1]);
      return (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM sql_tx_probe`, []))[0].n;
    }, client);
    expect(result).toBe(1);
    expect(await count()).toBe(1);
  });

  it("rolls everything back when the function throws, and rethrows", async () => {
    await expect(
      sqlTransaction(async (sql) => {
        await sql(`INSERT INTO sql_tx_probe (id) VALUES ($1)`, [2]);
        throw new Error("refused after writing");
      }, client),
    ).rejects.toThrow("refused after writing");
    expect(await count()).toBe(1);
  });

  it("runs with a statement timeout, so a statement stuck behind a lock gives up", async () => {
    const [row] = await sqlTransaction((sql) => sql<{ t: string }>(`SELECT current_setting('statement_timeout') AS t`, []), client);
    expect(row.t).toBe("5s");
  });

  it("discards a connection that broke mid-transaction and keeps working", async () => {
    await expect(
      sqlTransaction(async (sql) => {
        await sql(`INSERT INTO sql_tx_probe (id) VALUES ($1)`, [3]);
        await sql(`SELECT pg_terminate_backend(pg_backend_pid())`, []);
      }, client),
    ).rejects.toThrow();
    expect(await count()).toBe(1);
    // The pool hands out working connections afterwards (the broken one was not returned to it).
    for (let i = 0; i < 25; i++) await sqlTransaction((sql) => sql(`SELECT 1`, []), client);
  });

  it("refuses a client that has no pool of its own", async () => {
    await expect(sqlTransaction(async () => 1, {} as Db)).rejects.toThrow(/not made by createDb/);
  });
});
