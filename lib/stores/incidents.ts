/**
 * The incidents store: the reads an incident decision depends on and its version-checked writes (Prisma: incidents
 * change a few times an hour). Concurrency follows docs/architecture.md: the row is read without a lock, and the
 * write names the version it was read at; another write first is a CONFLICT. The exception is a one-shot system
 * event (Alertmanager resolving the incident), which locks the row (`lockIncident`) so that it never loses a race.
 */
import { ActionError } from "../actions/result";
import type { Tx } from "../db";
import type { Incident, Prisma } from "../generated/prisma/client";

/** The incident, or NOT_FOUND. */
export async function incidentOrNotFound(tx: Tx, id: string): Promise<Incident> {
  const incident = await tx.incident.findUnique({ where: { id } });
  if (!incident) throw new ActionError("NOT_FOUND", "There is no such incident.");
  return incident;
}

/** Applies `change` if the incident is still at the version it was read at; otherwise a CONFLICT with `message`. */
export async function updateIncident(tx: Tx, incident: Pick<Incident, "id" | "version">, change: Omit<Prisma.IncidentUpdateManyMutationInput, "version">, message: string): Promise<void> {
  const updated = await tx.incident.updateMany({ where: { id: incident.id, version: incident.version }, data: { ...change, version: { increment: 1 } } });
  if (updated.count === 0) throw new ActionError("CONFLICT", message);
}

/**
 * Locks the incident's row for the rest of the transaction and reads it. For a one-shot system event: Alertmanager
 * sends a resolution once, so the write must not lose a version race to a person's change, and what it records as
 * "before" must be the incident as it is now. A concurrent writer is waited for, then read.
 */
export async function lockIncident(tx: Tx, id: string): Promise<Incident> {
  await tx.$queryRaw`SELECT "id" FROM "incident" WHERE "id" = ${id}::uuid FOR UPDATE`;
  return tx.incident.findUniqueOrThrow({ where: { id } });
}
