/**
 * `npm run db:migrate` applies pending migrations; `npm run db:migrate:dev -- --name <x>` creates one from
 * prisma/schema.prisma and applies it. Migrations run as the owner role (DATABASE_OWNER_URL, or the embedded server's
 * owner when DATABASE_URL is unset); afterwards the application role (the user in DATABASE_URL) gets exactly the
 * privileges of prisma/grants.ts.
 */
import { parseArgs } from "node:util";
import { migrateDev } from "../prisma/migrator";
import { applyAppGrants, roleOf } from "../prisma/grants";
import { mayMigrate, migrateDatabase, openDatabase } from "./lib/database";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { name: { type: "string" } } });
const mode = positionals[0] ?? "deploy";
const db = await openDatabase();
try {
  if (!(await mayMigrate(db))) throw new Error('the role in DATABASE_URL is an application role, which cannot change the schema: set DATABASE_OWNER_URL to the owner role (docs/deploy.md, "Database roles").');
  if (mode === "dev") {
    const name = values.name ?? positionals[1];
    if (!name) throw new Error("Give the migration a name: npm run db:migrate:dev -- --name <name>");
    const { created, applied } = await migrateDev(db.ownerUrl, name);
    console.log(created ? `Created ${created}; applied ${applied.join(", ")}` : "No schema changes.");
    if (db.ownerUrl !== db.url) await applyAppGrants(db.ownerUrl, roleOf(db.url));
  } else if (mode === "deploy") {
    const { applied, grants } = await migrateDatabase(db, (m) => console.warn(`WARNING: ${m}`));
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
    if (grants) console.log(`Role ${grants.role}: privileges set on ${grants.tables} tables (prisma/grants.ts).`);
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
