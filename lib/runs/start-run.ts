import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError } from "../auth/permissions";
import { ROLE_LABELS } from "../auth/roles";
import { getRunbook } from "../runbooks";
import { startRunSchema } from "../validation/runs";

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
    await tx.runbookVersion.upsert({
      where: { contentHash: runbook.contentHash },
      update: {},
      create: { contentHash: runbook.contentHash, runbookId: runbook.id, source: runbook.source },
    });
    const run = await tx.run.create({
      data: { runbookId: runbook.id, contentHash: runbook.contentHash, drill: input.drill, startedById: actor.id },
      select: { id: true, startedAt: true },
    });
    return {
      data: { runId: run.id },
      audit: {
        target: { type: "run", id: run.id },
        details: { runbookId: runbook.id, title: runbook.title, contentHash: runbook.contentHash, drill: input.drill },
      },
    };
  },
});
