/**
 * What a refused call must leave alone: the row count of every table, read before and after (fuzzing tests).
 */
type Client = { $queryRawUnsafe: <T = unknown>(query: string, ...values: unknown[]) => Promise<T> };

/** The database's tables (the current schema's base tables, by name). */
export async function tablesOf(client: Client): Promise<string[]> {
  const rows = await client.$queryRawUnsafe<{ t: string }[]>(`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`);
  return rows.map((r) => r.t);
}

/** Rows in each of `tables` but those in `except`, in one statement. */
export async function footprint(client: Client, tables: string[], except: string[] = []): Promise<Record<string, number>> {
  const counted = tables.filter((t) => !except.includes(t));
  const [row] = await client.$queryRawUnsafe<Record<string, number>[]>(`SELECT ${counted.map((t) => `(SELECT count(*) FROM "${t}")::int AS "${t}"`).join(", ")}`);
  return row;
}
