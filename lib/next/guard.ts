import "server-only";
import { redirect } from "next/navigation";
import { currentSession } from "../auth/session";
import { can, type Permission } from "../auth/permissions";
import type { Actor } from "../auth/roles";
import { paths } from "../paths";

/**
 * For pages: the signed-in person, or a redirect to sign-in. A disabled person's session is ended here on their
 * next request. Pages that need a permission pass it; the actions behind them check it again.
 */
export async function requireActor(permission?: Permission): Promise<Actor> {
  const session = await currentSession();
  if (!session.actor) {
    if (session.reason === "signed-out") redirect(paths.signIn());
    redirect(paths.sessionEnded(session.reason));
  }
  if (permission && !can(session.actor, permission)) redirect(paths.forbidden());
  return session.actor;
}
