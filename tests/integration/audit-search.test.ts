/**
 * Free-text search in the audit review on PostgreSQL: the joined trigram index narrows, the exact ILIKE decides, and a
 * page is filled from the newest events read in order (TEXT_WINDOW) and then from the index, in the right order and
 * with cursors that page both ways across that boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryAuditPage, TEXT_WINDOW } from "@/lib/audit/filter-sql";
import { prismaRunner } from "@/lib/sql";
import { createDb, type Db } from "@/lib/db";
import { useFreshDatabase } from "./db";

let client: Db;
const TOTAL = TEXT_WINDOW * 2 + 500;
/** Where the details carry a code (all other events carry "filler"). */
const CODES: Record<number, string> = {
  [TOTAL]: "E-002", // newest: inside the window
  [TOTAL - 10]: "eq002", // what "E-002" becomes in the index expression: a candidate, not a match
  [TOTAL - 20]: "e_002",
  [TOTAL - TEXT_WINDOW - 100]: "E-002", // beyond the window: found through the index
  [TOTAL - TEXT_WINDOW - 200]: "x.e-0021", // contains "e-002"
  [3]: "e-002", // oldest
};

beforeAll(async () => {
  let ownerUrl: string;
  ({ client, ownerUrl } = await useFreshDatabase());
  // The search does not read the chain, so plain rows will do (the hashes only need to be unique). Written directly
  // by the owner: the portal's own role can only append through audit_append.
  const owner = createDb(ownerUrl);
  await owner.$executeRawUnsafe(
    `INSERT INTO audit_event (seq, at, action, outcome, details, "prevHash", hash)
     SELECT s, now(), 'test.search', 'allowed', jsonb_build_object('code', coalesce(($1::jsonb) ->> s::text, 'filler'), 'n', s), md5((s - 1)::text), md5(s::text)
       FROM generate_series(1, $2::int) AS s`,
    JSON.stringify(CODES),
    TOTAL,
  );
  await owner.$executeRawUnsafe(`ANALYZE audit_event`);
  await owner.$disconnect();
});
afterAll(async () => {
  await client.$disconnect();
});

const search = (q: string, cursor: { before?: bigint; after?: bigint } = {}, pageSize = 50) => queryAuditPage(prismaRunner(client), { kind: "all" }, { q }, cursor, pageSize);
const seqs = (page: Awaited<ReturnType<typeof search>>) => page.events.map((e) => Number(e.seq));

describe("audit free-text search", () => {
  it("finds exactly the events whose text contains the term, case-insensitively, newest first, across the window", async () => {
    expect(seqs(await search("E-002"))).toEqual([TOTAL, TOTAL - TEXT_WINDOW - 100, TOTAL - TEXT_WINDOW - 200, 3]);
    expect(seqs(await search("e_002"))).toEqual([TOTAL - 20]);
    expect(seqs(await search("EQ002"))).toEqual([TOTAL - 10]);
    expect(seqs(await search("no-such-code"))).toEqual([]);
  });

  it("pages older and newer across the window's edge without losing or repeating an event", async () => {
    const first = await search("E-002", {}, 2);
    expect(seqs(first)).toEqual([TOTAL, TOTAL - TEXT_WINDOW - 100]);
    const second = await search("E-002", { before: first.older! }, 2);
    expect(seqs(second)).toEqual([TOTAL - TEXT_WINDOW - 200, 3]);
    expect(second.older).toBeNull();
    const back = await search("E-002", { after: second.newer! }, 2);
    expect(seqs(back)).toEqual([TOTAL, TOTAL - TEXT_WINDOW - 100]);
  });

  it("fills a page of a common term from the newest events", async () => {
    const page = await search("filler", {}, 50);
    expect(seqs(page)).toEqual(Array.from({ length: 54 }, (_, i) => TOTAL - i).filter((s) => !(s in CODES)).slice(0, 50));
    expect(page.older).toBe(BigInt(seqs(page)[49]));
  });
});
