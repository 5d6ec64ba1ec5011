/**
 * Resolves the database the portal uses: DATABASE_URL when set (nothing is started), otherwise the embedded
 * PostgreSQL in .data/postgres with the `portal` database.
 */
import path from "node:path";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from "./embedded-postgres";

export const DATA_DIR = path.resolve(import.meta.dirname, "../../.data");
export const EMBEDDED_DB = "portal";

export type Database = { url: string; embedded: EmbeddedServer | null; stop: () => Promise<void> };

export async function openDatabase(log: (line: string) => void = () => {}): Promise<Database> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: null, stop: async () => {} };
  const server = await startEmbeddedPostgres(path.join(DATA_DIR, "postgres"), { log });
  await ensureDatabase(server.url("postgres"), EMBEDDED_DB);
  return { url: server.url(EMBEDDED_DB), embedded: server, stop: server.stop };
}
