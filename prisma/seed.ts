/** `npm run db:seed`: seeded people (one per role) and the pilot + Phase 6 repos. Safe to run again. */
import { createDb } from "../lib/db";
import { openDatabase } from "../scripts/lib/database";
import { seedDatabase } from "./seed-db";

const database = await openDatabase();
const client = createDb(database.url);
try {
  const created = await seedDatabase(client);
  console.log(`Seeded: ${created.people} new people, ${created.repos} new repos.`);
} catch (e) {
  console.error(`Seeding failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  await client.$disconnect();
  await database.stop();
}
