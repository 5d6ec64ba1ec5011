/**
 * Who may work on a run (add evidence, escalate it, write its RCA): the people who may sign its steps, from the run's
 * own runbook version, and whoever may manage any run (mayWorkOnRun in lib/auth/permissions.ts decides).
 */
import { AuthorizationError, mayWorkOnRun, rolesFor } from "../auth/permissions";
import { ROLES, ROLE_LABELS, type Actor, type Role } from "../auth/roles";
import type { Runbook } from "../runbooks";

/** The roles that sign at least one step of a runbook version, in the order of the role list. */
export function signOffRoles(runbook: Pick<Runbook, "steps">): Role[] {
  const used = new Set<Role>(runbook.steps.flatMap((s) => s.signoff));
  return ROLES.filter((r) => used.has(r));
}

/**
 * Why this person may not work on the run (`what`: e.g. "add evidence to this run"), or null when they may. The
 * reason names the runbook, the roles that sign its steps and who else may.
 */
export function runWorkRefusal(actor: Pick<Actor, "roles"> | null, run: { runbookId: string; signOffRoles: readonly Role[] }, what: string): string | null {
  if (mayWorkOnRun(actor, run.signOffRoles)) return null;
  const anyRun = rolesFor("run.manage.any").map((r) => `the ${ROLE_LABELS[r].toLowerCase()}`);
  const signers = run.signOffRoles.map((r) => ROLE_LABELS[r]).join(", ");
  return `Only people who sign ${run.runbookId}'s steps (${signers}) or ${anyRun.join(" or ")} may ${what}.`;
}

/** Throws the refusal (an AuthorizationError: the action wrapper audits it with its reason) when the person may not. */
export function requireRunWork(actor: Actor, runbook: Pick<Runbook, "id" | "steps">, what: string): void {
  const refusal = runWorkRefusal(actor, { runbookId: runbook.id, signOffRoles: signOffRoles(runbook) }, what);
  if (refusal) throw new AuthorizationError("run.manage.any", refusal);
}
