/**
 * `npm run db:migrate` applies pending migrations; `npm run db:migrate:dev -- --name <x>` creates one from
 * prisma/schema.prisma and applies it. Uses DATABASE_URL, or the embedded server when it is unset.
 */
import { parseArgs } from "node:util";
import { migrateDeploy, migrateDev } from "../prisma/migrator";
import { openDatabase } from "./lib/database";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: "string" } } });
const mode = positionals[0] ?? "deploy";
const db = await openDatabase();
try {
  if (mode === "dev") {
    const name = values.name ?? positionals[1];
    if (!name) throw new Error("Give the migration a name: npm run db:migrate:dev -- --name <name>");
    const { created, applied } = await migrateDev(db.url, name);
    console.log(created ? `Created ${created}; applied ${applied.join(", ")}` : "No schema changes.");
  } else if (mode === "deploy") {
    const applied = await migrateDeploy(db.url);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  } else {
    throw new Error(`Unknown mode "${mode}" (expected deploy or dev)`);
  }
} catch (e) {
  console.error(`Migration failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await db.stop();
}
process.exit(process.exitCode ?? 0);
