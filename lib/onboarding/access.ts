import { can } from "../auth/permissions";
import type { Actor } from "../auth/roles";

/** SREs see every onboarding; a repo owner sees (and acts on) only the requests they made. */
export function canSeeOnboarding(actor: Pick<Actor, "id" | "roles"> | null | undefined, onboarding: { requestedById: string }): boolean {
  if (!actor) return false;
  if (can(actor, "onboarding.view.all")) return true;
  return can(actor, "onboarding.request") && onboarding.requestedById === actor.id;
}

/**
 * Why this person may not approve this onboarding, or null. Approving queues `set-allowlist`, a critical action
 * (lib/control-plane/actions.ts): the person who requested the onboarding cannot be the one who approves it.
 */
export function onboardingApprovalRefusal(actor: Pick<Actor, "id">, onboarding: { requestedById: string }): string | null {
  if (onboarding.requestedById === actor.id) {
    return "You requested this onboarding, so you cannot approve it: adding a repo to the allowlist is a critical action, and another SRE must approve it (two-person rule).";
  }
  return null;
}
