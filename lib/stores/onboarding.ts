/**
 * Every read and write of the `onboarding` table that a decision depends on. Concurrency (docs/architecture.md):
 * the write that changes a row names the version it was read at (`UPDATE … WHERE id AND version`), bumping it; a
 * write that finds another version lost a race: an action is answered CONFLICT (and its transaction, with
 * everything it did before, rolls back), a system transition (the relay, a page view, a poll) does nothing. The
 * row is also read under FOR UPDATE: the relay records a command's outcome here once, and an outcome that lost a
 * version race would never be delivered again, so writers queue on the row instead (docs/architecture.md).
 */
import { ActionError } from "../actions/result";
import type { Tx } from "../db";
import type { Onboarding, Prisma } from "../generated/prisma/client";

export type OnboardingChange = Omit<Prisma.OnboardingUpdateManyMutationInput, "version">;

/**
 * The onboarding as it is now (null when there is none), its row locked for the rest of the transaction: the
 * relay, a page view, a poll and a person's decision all move the same row, and each re-reads it under the lock.
 */
export async function readOnboarding(tx: Tx, id: string): Promise<Onboarding | null> {
  await tx.$queryRaw`SELECT "id" FROM "onboarding" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return tx.onboarding.findUnique({ where: { id } });
}

/** Applies `change` if the row is still at the version `o` was read at; false when another write came first. */
export async function updateOnboarding(tx: Tx, o: Pick<Onboarding, "id" | "version">, change: OnboardingChange): Promise<boolean> {
  const { count } = await tx.onboarding.updateMany({ where: { id: o.id, version: o.version }, data: { ...change, version: { increment: 1 } } });
  return count === 1;
}

/** As updateOnboarding, for a person's action: another write first is a CONFLICT. */
export async function decideOnboarding(tx: Tx, o: Pick<Onboarding, "id" | "version">, change: OnboardingChange): Promise<void> {
  if (!(await updateOnboarding(tx, o, change))) {
    throw new ActionError("CONFLICT", "Someone else changed this onboarding just now; the page shows the latest state.");
  }
}
