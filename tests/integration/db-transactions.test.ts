/**
 * The portal's Prisma client gives an interactive transaction 30 s, not Prisma's default 5 s. On a saturated two-core
 * machine a seed transaction ran past 5 s; Prisma's rollback then raced the transaction's next statement, which ran
 * outside any transaction and failed on a foreign key to rows the rollback had removed (lib/db.ts).
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
let url: string;
beforeAll(async () => {
  ({ client, url } = await useFreshDatabase());
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

describe("new connections", () => {
  // A loaded run failed 20 concurrent transactions with "Connection terminated due to connection timeout": the pool
  // gave a new connection 3 s, while a transaction may wait 10 s for one (maxWait). PostgreSQL starting a backend on a
  // saturated machine can take longer than 3 s. This proxy holds every connection for 4 s before passing it on.
  it("one that takes 4 s to set up (a saturated server) is waited for, as long as a transaction waits for a connection", async () => {
    const target = new URL(url);
    const proxy = net.createServer((socket) => {
      socket.pause();
      setTimeout(() => {
        const upstream = net.connect(Number(target.port), target.hostname, () => {
          socket.pipe(upstream).pipe(socket);
          socket.resume();
        });
        upstream.on("error", () => socket.destroy());
        socket.on("error", () => upstream.destroy());
      }, 4_000);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const slowUrl = new URL(url);
    slowUrl.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const slow = createDb(slowUrl.toString());
    try {
      expect(await slow.$queryRaw<{ ok: number }[]>`SELECT 1 AS "ok"`).toEqual([{ ok: 1 }]);
    } finally {
      await slow.$disconnect();
      proxy.close();
    }
  }, 30_000);
});
