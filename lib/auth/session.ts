import "server-only";
import { cache } from "react";
import { auth } from "@/auth";
import { db } from "../db";
import { isRole, type Actor } from "./roles";

export type SessionState = { actor: Actor } | { actor: null; reason: "signed-out" | "disabled" | "unknown-person" };

/**
 * The signed-in person, re-read from the database on every request: a disabled person is treated as signed
 * out at once, whatever their token says (OWASP ASVS 7.4.2). Deduplicated per request.
 */
export const currentSession = cache(async (): Promise<SessionState> => {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return { actor: null, reason: "signed-out" };
  const person = await db().person.findUnique({ where: { id } });
  if (!person) return { actor: null, reason: "unknown-person" };
  if (person.disabled) return { actor: null, reason: "disabled" };
  return { actor: { id: person.id, email: person.email, name: person.name, roles: person.roles.filter(isRole) } };
});

export async function currentActor(): Promise<Actor | null> {
  return (await currentSession()).actor;
}
