import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { sqlTransaction, type Db } from "@/lib/db";
import { hit, type RateLimit } from "@/lib/http/rate-limit";
import { verifyChainOnce } from "@/lib/audit/verify-once";
import { LOCK_IDS } from "@/lib/locks";
import { ActionError } from "@/lib/actions/result";
import { useFreshDatabase } from "./db";

let client: Db;
let url: string;

beforeAll(async () => {
  ({ client, url } = await useFreshDatabase());
});
afterAll(async () => {
  await client.$disconnect();
});

const hitOnce = (limit: RateLimit, subject: string) => sqlTransaction((sql) => hit(sql, limit, subject), client);

describe("rate limits kept in PostgreSQL", () => {
  it("allows up to the limit in a window, refuses after it with the seconds left, and counts people apart", async () => {
    const limit = { name: "t-basic", limit: 3, windowSeconds: 3600 };
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await hitOnce(limit, "sam"));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions.map((d) => d.count)).toEqual([1, 2, 3, 4, 5]);
    expect(decisions[4].retryAfterSeconds).toBeGreaterThan(0);
    expect(decisions[4].retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect((await hitOnce(limit, "jordan")).allowed).toBe(true);
  });

  it("counts concurrent hits exactly, as two replicas would (one shared row, no lost update)", async () => {
    const limit = { name: "t-race", limit: 10, windowSeconds: 3600 };
    const results = await Promise.all(Array.from({ length: 25 }, () => hitOnce(limit, "burst")));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it("starts a new window when the old one has passed, and carries the last window's count when it directly precedes", async () => {
    const limit = { name: "t-window", limit: 1, windowSeconds: 60 };
    await hitOnce(limit, "a");
    await hitOnce(limit, "a");
    // Move the stored window one window back: the next hit starts a fresh window and reports 2 in the one before.
    await client.$executeRawUnsafe(`UPDATE rate_window SET "windowStart" = "windowStart" - interval '60 seconds' WHERE key = 't-window:a'`);
    const fresh = await hitOnce(limit, "a");
    expect(fresh).toMatchObject({ allowed: true, count: 1, previousCount: 2 });
    // Two windows back: the count before is no longer "the previous minute".
    await client.$executeRawUnsafe(`UPDATE rate_window SET "windowStart" = "windowStart" - interval '120 seconds' WHERE key = 't-window:a'`);
    expect(await hitOnce(limit, "a")).toMatchObject({ allowed: true, count: 1, previousCount: 0 });
  });
});

describe("one whole-chain verification at a time", () => {
  it("a second request in this process joins the running walk instead of starting another", async () => {
    let walks = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const verify = async () => {
      walks++;
      await gate;
      return { ok: true, walk: walks };
    };
    const first = verifyChainOnce(client, verify);
    const second = verifyChainOnce(client, verify);
    release();
    expect(await first).toEqual({ ok: true, walk: 1 });
    expect(await second).toEqual({ ok: true, walk: 1 });
    expect(walks).toBe(1);
    // Once it has finished, the next request walks again.
    expect(await verifyChainOnce(client, verify)).toEqual({ ok: true, walk: 2 });
  });

  it("while another replica holds the verification lock, a request is told so and does not walk", async () => {
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock($1)", [LOCK_IDS.verifyChain]);
      let walked = false;
      const refused = verifyChainOnce(client, async () => (walked = true));
      await expect(refused).rejects.toBeInstanceOf(ActionError);
      await expect(refused).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already running on another replica") });
      expect(walked).toBe(false);
    } finally {
      await other.end();
    }
  });
});
