/**
 * `npm run people:add -- --email … --name … --role INFOSEC [--role SRE,AUDITOR] [--enable]`: creates or updates a
 * person on the portal's database (DATABASE_URL, or the embedded one in .data/ when it is unset), audited as the
 * command line. How a fresh production deployment gets its first administrator. Applies pending migrations first
 * where it has the owner role (the embedded database, or DATABASE_OWNER_URL); otherwise run `npm run db:migrate` first.
 */
import { createDb } from "../lib/db";
import { ROLE_LABELS } from "../lib/auth/roles";
import { addPerson, parsePeopleAddArgs } from "../lib/people/add-person";
import { mayMigrate, migrateDatabase, openDatabase } from "./lib/database";

const parsed = parsePeopleAddArgs(process.argv.slice(2));
if (!parsed.ok) {
  for (const e of parsed.errors) console.error(`people:add: ${e}`);
  console.error("Usage: npm run people:add -- --email <email> --name <name> --role <ROLE> [--role <ROLE>] [--enable]");
  process.exit(2);
}

let database: Awaited<ReturnType<typeof openDatabase>>;
try {
  database = await openDatabase();
} catch (e) {
  console.error(`people:add: could not open the database: ${e instanceof Error ? e.message : String(e)}`);
  if (!process.env.DATABASE_URL) console.error("people:add: the embedded database may be in use by a running `npm start`: stop it first, or set DATABASE_URL.");
  process.exit(1);
}
const client = createDb(database.url);
try {
  // Migrations need the owner role; with the application role alone (DATABASE_URL) the database must be migrated already.
  if (await mayMigrate(database)) await migrateDatabase(database, (m) => console.warn(`people:add: WARNING: ${m}`));
  const { created, changed, person } = await addPerson(client, parsed.input);
  const roles = person.roles.map((r) => ROLE_LABELS[r]).join(", ") || "none";
  if (created) console.log(`Created ${person.name} <${person.email}> with roles: ${roles}.`);
  else if (changed) console.log(`Updated ${person.name} <${person.email}>: roles ${roles}${person.disabled ? " (disabled)" : ""}. Their open sessions end at their next request.`);
  else console.log(`${person.name} <${person.email}> already has roles ${roles}; nothing changed.`);
} catch (e) {
  console.error(`people:add: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await client.$disconnect();
  await database.stop();
}
process.exit(process.exitCode ?? 0);
