import type { PrismaClient } from "../lib/generated/prisma/client";
import { appendAudit } from "../lib/audit/log";
import { SEED_PEOPLE, SEED_REPOS } from "./seed-data";

/** Seeds people and repos. Idempotent: existing rows are left as they are; creations are audited. */
export async function seedDatabase(client: PrismaClient): Promise<{ people: number; repos: number }> {
  return client.$transaction(async (tx) => {
    const before = { people: await tx.person.count(), repos: await tx.repo.count() };
    for (const p of SEED_PEOPLE) {
      await tx.person.upsert({ where: { email: p.email }, update: {}, create: p });
    }
    const owners = new Map((await tx.person.findMany({ select: { id: true, email: true } })).map((p) => [p.email, p.id]));
    for (const r of SEED_REPOS) {
      await tx.repo.upsert({
        where: { name: r.name },
        update: {},
        create: { name: r.name, url: `https://git.example.com/acme/${r.name}`, phase: r.phase, allowlisted: true, ownerId: owners.get(r.owner) },
      });
    }
    const created = { people: (await tx.person.count()) - before.people, repos: (await tx.repo.count()) - before.repos };
    if (created.people || created.repos) {
      await appendAudit(tx, { actor: null, action: "system.seed", details: { createdPeople: created.people, createdRepos: created.repos } });
    }
    return created;
  });
}
