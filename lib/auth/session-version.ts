import type { Db, Tx } from "../db";

/**
 * Ends every session of the person at their next request, on every device: the session version their tokens
 * carry no longer matches (lib/auth/session-state.ts). Sign-out uses it; disabling a person and role changes bump
 * the version by themselves (trigger person_session_version).
 */
export async function endSessions(client: Db | Tx, personId: string): Promise<void> {
  await client.person.updateMany({ where: { id: personId }, data: { sessionVersion: { increment: 1 } } });
}
