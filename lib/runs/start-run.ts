import { defineSqlAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, holdsOneOf } from "../auth/permissions";
import { ROLE_LABELS } from "../auth/roles";
import { Prisma } from "../generated/prisma/client";
import { getRunbook } from "../runbooks";
import { query } from "../sql";
import { startRunSchema } from "../validation/runs";
import { createRun } from "./service";
import { drillTarget, injectScenario } from "./drills";

/** Starts a run of a runbook, pinned to the runbook's current content hash. */
export const startRunAction = defineSqlAction({
  name: "run.start",
  schema: startRunSchema,
  permission: "run.start",
  async run({ actor, input, sql }) {
    if (input.drill) {
      const target = drillTarget();
      if ("reason" in target) throw new ActionError("INVALID", target.reason, { drill: [target.reason] });
    }
    let detectedAt: Date | undefined;
    if (input.incidentId) {
      const [incident] = await query<{ detectedAt: Date }>(sql, Prisma.sql`SELECT "detectedAt" FROM "incident" WHERE "id" = ${input.incidentId}::uuid`);
      if (!incident) throw new ActionError("NOT_FOUND", "There is no such incident.", { incidentId: ["Unknown incident."] });
      detectedAt = incident.detectedAt;
    }
    const runbook = getRunbook(input.runbookId);
    if (!runbook) throw new ActionError("NOT_FOUND", `There is no runbook ${input.runbookId}.`, { runbookId: ["Unknown runbook."] });
    if (!holdsOneOf(actor, runbook.startRoles)) {
      throw new AuthorizationError(
        "run.start",
        `Only ${runbook.startRoles.map((r) => ROLE_LABELS[r]).join(", ")} may start ${runbook.id}.`,
      );
    }
    const run = await createRun(sql, {
      runbook,
      actor,
      drill: input.drill,
      drillScenario: input.scenario ?? null,
      incidentId: input.incidentId ?? null,
      detectedAt,
      firstStepEvidence: input.flowId ? { text: `Flow ${input.flowId} (preselected when the run was started)`, url: null } : null,
    });
    return {
      data: { runId: run.id },
      audit: {
        target: { type: "run", id: run.id },
        details: { runbookId: runbook.id, title: runbook.title, contentHash: runbook.contentHash, drill: input.drill, scenario: input.scenario ?? null, incidentId: input.incidentId ?? null, flowId: input.flowId ?? null },
      },
    };
  },
  /** A drill's scenario goes into the simulator once the run exists; it is cleared when the drill ends. */
  async afterCommit({ input }) {
    if (!input.drill || !input.scenario) return undefined;
    const target = drillTarget();
    if ("reason" in target) return target.reason;
    await injectScenario(target.url, input.scenario);
    return `Scenario "${input.scenario}" injected into the simulator for this drill.`;
  },
});
