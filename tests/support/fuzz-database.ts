import { afterAll, beforeAll, beforeEach } from "vitest";
import { createDb, type Db } from "@/lib/db";
// Renamed: a name starting with "use" reads as a React hook to the linter, which refuses it inside an async function.
import { useFreshDatabase as freshDatabase } from "../integration/db";
import { footprint as countRows, tablesOf } from "./footprint";

/**
 * A seeded fresh database for a fuzz file whose calls count against rate limits, which are not what it tests: the
 * owner role (the portal's own role never deletes) empties the rate-limit windows before each test and whenever
 * `clearRateWindows` is called. Registers the file's hooks, so call it at the top of the file, before its own hooks.
 */
export function fuzzDatabase() {
  let client: Db;
  let owner: Db;
  let tables: string[];
  const clearRateWindows = () => owner.$executeRawUnsafe(`DELETE FROM rate_window`);
  beforeAll(async () => {
    let ownerUrl: string;
    ({ client, ownerUrl } = await freshDatabase({ seed: true }));
    owner = createDb(ownerUrl);
    tables = await tablesOf(client);
  });
  afterAll(async () => {
    await owner?.$disconnect();
    await client?.$disconnect();
  });
  beforeEach(async () => {
    await clearRateWindows();
  });
  return {
    client: () => client,
    clearRateWindows,
    /** Rows in every table but the rate-limit windows (each call counts in one; they are cleared as the test goes). */
    footprint: (): Promise<Record<string, number>> => countRows(client, tables, ["rate_window"]),
  };
}
