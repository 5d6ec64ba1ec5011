import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { seedDatabase } from "@/prisma/seed-db";
import { createTestDatabaseWithRoles } from "../support/test-postgres";
import type { Actor } from "@/lib/auth/roles";

export type FreshDatabase = {
  /** The application role's URL: the portal's code runs as it, with exactly its production privileges. */
  url: string;
  client: Db;
  /** The owner role's URL (an insider who owns the tables). */
  ownerUrl: string;
  /** The superuser's URL on this database: only for set-up no portal role may do, or to play an all-powerful attacker. */
  superUrl: string;
  /** This file's anchor file (AUDIT_ANCHOR_FILE), in a directory of its own. */
  anchorFile: string;
};

/**
 * A fresh database for this test file, made the process's database (lib code calls db()), optionally seeded, with
 * an anchor file of its own. Call once per file, in beforeAll.
 */
export async function useFreshDatabase(opts: { seed?: boolean } = {}): Promise<FreshDatabase> {
  const urls = await createTestDatabaseWithRoles(inject("pgAdminUrl"));
  process.env.DATABASE_URL = urls.url;
  const anchorFile = path.join(mkdtempSync(path.join(tmpdir(), "portal-anchor-")), "audit-anchors.jsonl");
  process.env.AUDIT_ANCHOR_FILE = anchorFile;
  const client = createDb(urls.url);
  if (opts.seed) await seedDatabase(client);
  return { ...urls, client, anchorFile };
}

/** Another fresh, migrated database with its own client, leaving the process's database as it is. */
export async function anotherFreshDatabase(): Promise<{ url: string; client: Db; ownerUrl: string; superUrl: string }> {
  const urls = await createTestDatabaseWithRoles(inject("pgAdminUrl"));
  return { ...urls, client: createDb(urls.url) };
}

export async function actorByEmail(client: Db, email: string): Promise<Actor> {
  const p = await client.person.findUniqueOrThrow({ where: { email } });
  return { id: p.id, email: p.email, name: p.name, roles: p.roles };
}
