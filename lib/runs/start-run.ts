import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError } from "../auth/permissions";
import { ROLE_LABELS } from "../auth/roles";
import { getRunbook } from "../runbooks";
import { startRunSchema } from "../validation/runs";
import { createRun } from "./service";

/** Starts a run of a runbook, pinned to the runbook's current content hash. */
export const startRunAction = defineAction({
  name: "run.start",
  schema: startRunSchema,
  permission: "run.start",
  async run({ actor, input, tx }) {
    const runbook = getRunbook(input.runbookId);
    if (!runbook) throw new ActionError("NOT_FOUND", `There is no runbook ${input.runbookId}.`, { runbookId: ["Unknown runbook."] });
    if (!actor.roles.some((r) => runbook.startRoles.includes(r))) {
      throw new AuthorizationError(
        "run.start",
        `Only ${runbook.startRoles.map((r) => ROLE_LABELS[r]).join(", ")} may start ${runbook.id}.`,
      );
    }
    const run = await createRun(tx, { runbook, actor, drill: input.drill });
    return {
      data: { runId: run.id },
      audit: {
        target: { type: "run", id: run.id },
        details: { runbookId: runbook.id, title: runbook.title, contentHash: runbook.contentHash, drill: input.drill },
      },
    };
  },
});
