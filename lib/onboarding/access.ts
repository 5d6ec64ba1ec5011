import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";

/** SREs see every onboarding; a repo owner sees (and acts on) only the requests they made. */
export function canSeeOnboarding(actor: Pick<Actor, "id" | "roles"> | null | undefined, onboarding: { requestedById: string }): boolean {
  if (!actor) return false;
  if (can(actor, "onboarding.view.all")) return true;
  return can(actor, "onboarding.request") && onboarding.requestedById === actor.id;
}
