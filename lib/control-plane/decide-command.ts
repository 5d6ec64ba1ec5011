/**
 * The person's half of a held command: when the relay holds a command for a decision (a Retry-After past the cap, an
 * answer echoing another idempotency key, a 2xx that breaks the contract), someone who may work on its step — or, for
 * an onboarding's command, an onboarding approver — retries it now (same key) or abandons it, with a reason. The
 * decision, its audit event and whatever waits on the command (the run, the onboarding) commit together.
 */
import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, can, holdsOneOf } from "../auth/permissions";
import { ROLE_LABELS, type Actor } from "../auth/roles";
import type { Tx } from "../db";
import { runnerOf } from "../sql";
import { loadRunbookVersion } from "../stores/runbook-versions";
import { settleRun } from "../stores/run-plans";
import { readCommand } from "../stores/commands";
import { readRunHeader } from "../stores/runs";
import { settleOnboardingCommand } from "../onboarding/service";
import { decideCommandSchema } from "../validation/commands";
import { decideHeldCommand } from "./relay";

/** Refuses (AuthorizationError, audited with its reason) anyone who may not decide on this command. */
async function requireMayDecide(tx: Tx, actor: Actor, cmd: { runId: string | null; stepId: string | null }): Promise<void> {
  if (can(actor, "run.manage.any")) return;
  if (cmd.runId) {
    const sql = runnerOf(tx);
    const run = await readRunHeader(sql, cmd.runId);
    if (!run) throw new ActionError("NOT_FOUND", "There is no such command.");
    const runbook = await loadRunbookVersion(sql, run);
    const step = runbook.steps.find((s) => s.id === cmd.stepId);
    if (step && holdsOneOf(actor, step.signoff)) return;
    const who = step ? step.signoff.map((r) => ROLE_LABELS[r]).join(" or ") : "the people who sign its step";
    throw new AuthorizationError("command.decide", `This command belongs to ${run.runbookId}${step ? ` step ${step.number}` : ""}: only ${who}, or the incident commander, may decide on it.`);
  }
  if (can(actor, "onboarding.approve")) return;
  throw new AuthorizationError("command.decide", "Only an SRE who approves onboardings, or the incident commander, may decide on this command.");
}

/** Retries a held command now (same idempotency key) or abandons it, with the reason. */
export const decideCommandAction = defineAction({
  name: "command.decided",
  schema: decideCommandSchema,
  permission: "command.decide",
  target: (input) => ({ type: "command", id: input.commandId }),
  async run({ actor, input, tx }) {
    const cmd = await readCommand(runnerOf(tx), input.commandId);
    if (!cmd) throw new ActionError("NOT_FOUND", "There is no such command.");
    await requireMayDecide(tx, actor, cmd);
    const decided = await decideHeldCommand(tx, { commandId: input.commandId, decision: input.decision, actor, reason: input.reason });
    if (!decided.ok) throw new ActionError(decided.code, decided.message);
    const c = decided.command;
    if (input.decision === "abandon") {
      if (c.runId) await settleRun(runnerOf(tx), c.runId);
      else await settleOnboardingCommand(tx, { id: c.id, runId: null });
    }
    return {
      data: { commandId: c.id, state: c.state },
      audit: {
        action: input.decision === "retry" ? "command.retry_requested" : "command.abandoned",
        details: { action: c.action, decision: input.decision, reason: input.reason, holdReason: c.holdReason, heldBecause: c.lastError, idempotencyKey: c.idempotencyKey, runId: c.runId, stepId: c.stepId },
      },
    };
  },
});
