import type { PrismaClient } from "../lib/generated/prisma/client";
import { appendAudit } from "../lib/audit/log";
import { personSnapshot } from "../lib/access/snapshot";
import { SEED_PEOPLE, SEED_REPOS } from "./seed-data";

/**
 * Seeds people and repos. Idempotent: existing rows are left as they are; creations are audited, the people created
 * with their roles (so the access review's role history starts with them).
 */
export async function seedDatabase(client: PrismaClient): Promise<{ people: number; repos: number }> {
  return client.$transaction(async (tx) => {
    const before = { people: await tx.person.count(), repos: await tx.repo.count() };
    const createdPeople: ({ id: string } & ReturnType<typeof personSnapshot>)[] = [];
    for (const p of SEED_PEOPLE) {
      if (await tx.person.findUnique({ where: { email: p.email }, select: { id: true } })) continue;
      const person = await tx.person.create({ data: p });
      createdPeople.push({ id: person.id, ...personSnapshot(person) });
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
      await appendAudit(tx, { actor: null, action: "system.seed", details: { createdPeople: created.people, createdRepos: created.repos, people: createdPeople } });
    }
    return created;
  });
}
