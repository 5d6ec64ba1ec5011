/**
 * The portal's Prisma client gives an interactive transaction 30 s, not Prisma's default 5 s. On a saturated two-core
 * machine a seed transaction ran past 5 s; Prisma's rollback then raced the transaction's next statement, which ran
 * outside any transaction and failed on a foreign key to rows the rollback had removed (lib/db.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
beforeAll(async () => {
  ({ client } = await useFreshDatabase());
});
afterAll(async () => {
  await client?.$disconnect();
});

describe("interactive transactions", () => {
  it("one that takes longer than Prisma's default 5 s still commits all of its writes", async () => {
    const email = "slow.transaction@ops.example";
    await client.$transaction(async (tx) => {
      const person = await tx.person.create({ data: { email, name: "Slow Transaction", roles: ["REPO_OWNER"] } });
      await tx.$executeRaw`SELECT pg_sleep(5.5)`;
      await tx.repo.create({ data: { name: "slow-transaction", url: "https://git.example.com/acme/slow-transaction", phase: "PHASE_6", ownerId: person.id } });
    });
    const repo = await client.repo.findUnique({ where: { name: "slow-transaction" }, include: { owner: true } });
    expect(repo?.owner?.email).toBe(email);
  }, 30_000);
});
