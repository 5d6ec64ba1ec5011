import "server-only";
import { cache } from "react";
import { auth } from "@/auth";
import { db } from "../db";
import { env } from "../env";
import { sessionLifetime } from "./lifetime";
import { judgeSession, type SessionState } from "./session-state";
import type { Actor } from "./roles";

export type { SessionState } from "./session-state";

/**
 * The signed-in person, re-read from the database on every request: a disabled person, a session issued before
 * the person's last sign-out or role change (session version), and an idle or too old session all count as
 * signed out at once, whatever the token says (OWASP ASVS 7.4.2). Deduplicated per request.
 */
export const currentSession = cache(async (): Promise<SessionState> => {
  const session = await auth();
  const personId = session?.user?.id;
  if (!personId) return { actor: null, reason: "signed-out" };
  const person = await db().person.findUnique({ where: { id: personId } });
  const claims = { personId, sessionVersion: session.sessionVersion, authTime: session.authTime, lastSeen: session.lastSeen };
  return judgeSession(claims, person, Math.floor(Date.now() / 1000), sessionLifetime(env()));
});

export async function currentActor(): Promise<Actor | null> {
  return (await currentSession()).actor;
}
