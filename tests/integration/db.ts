import { inject } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { seedDatabase } from "@/prisma/seed-db";
import { createTestDatabase } from "../support/test-postgres";
import type { Actor } from "@/lib/auth/roles";

/**
 * A fresh database for this test file, made the process's database (lib code calls db()), optionally seeded.
 * Call once per file, in beforeAll.
 */
export async function useFreshDatabase(opts: { seed?: boolean } = {}): Promise<{ url: string; client: Db }> {
  const url = await createTestDatabase(inject("pgAdminUrl"));
  process.env.DATABASE_URL = url;
  const client = createDb(url);
  if (opts.seed) await seedDatabase(client);
  return { url, client };
}

/** Another fresh, migrated database with its own client, leaving the process's database as it is. */
export async function anotherFreshDatabase(): Promise<{ url: string; client: Db }> {
  const url = await createTestDatabase(inject("pgAdminUrl"));
  return { url, client: createDb(url) };
}

export async function actorByEmail(client: Db, email: string): Promise<Actor> {
  const p = await client.person.findUniqueOrThrow({ where: { email } });
  return { id: p.id, email: p.email, name: p.name, roles: p.roles };
}
