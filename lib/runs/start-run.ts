import { defineSqlAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, holdsOneOf } from "../auth/permissions";
import { ROLE_LABELS } from "../auth/roles";
import { Prisma } from "../generated/prisma/client";
import { getRunbook } from "../runbooks";
import { query } from "../sql";
import { startRunSchema } from "../validation/runs";
import { createRun } from "../stores/run-plans";
import { drillTarget, injectScenario } from "./drills";
import { earliestStart, prefillFor, type Prefill, type PrefillAlert } from "./prefill";
import { readTelemetryOrNull } from "../control-plane/telemetry";

/**
 * Starts a run of a runbook, pinned to the runbook's current content hash. Started from an incident, its clock counts
 * from the earliest of the incident's alerts (else the incident's detection), and its step parameters are proposed
 * from the alerts' labels and annotations and from live telemetry (lib/runs/prefill.ts), recorded on the run and in
 * its audit event.
 */
export const startRunAction = defineSqlAction({
  name: "run.start",
  schema: startRunSchema,
  permission: "run.start",
  // Live values only help: a run starts (without telemetry proposals) while the control plane is unreachable.
  prepare: async ({ input }) => (input.incidentId ? readTelemetryOrNull() : null),
  async run({ actor, input, sql, prepared: telemetry }) {
    if (input.drill) {
      const target = drillTarget();
      if ("reason" in target) throw new ActionError("INVALID", target.reason, { drill: [target.reason] });
    }
    const runbook = getRunbook(input.runbookId);
    if (!runbook) throw new ActionError("NOT_FOUND", `There is no runbook ${input.runbookId}.`, { runbookId: ["Unknown runbook."] });
    if (!holdsOneOf(actor, runbook.startRoles)) {
      throw new AuthorizationError(
        "run.start",
        `Only ${runbook.startRoles.map((r) => ROLE_LABELS[r]).join(", ")} may start ${runbook.id}.`,
      );
    }
    let detectedAt: Date | undefined;
    let prefill: Prefill | null = null;
    if (input.incidentId) {
      const [incident] = await query<{ detectedAt: Date; alerts: (Omit<PrefillAlert, "startsAt"> & { startsAt: string })[] }>(
        sql,
        Prisma.sql`SELECT i."detectedAt",
                          (SELECT coalesce(json_agg(json_build_object('alertname', a."alertname", 'labels', a."labels", 'annotations', a."annotations", 'startsAt', a."startsAt")), '[]')
                             FROM "alert" a WHERE a."incidentId" = i."id") AS "alerts"
                     FROM "incident" i WHERE i."id" = ${input.incidentId}::uuid`,
      );
      if (!incident) throw new ActionError("NOT_FOUND", "There is no such incident.", { incidentId: ["Unknown incident."] });
      const alerts = incident.alerts.map((a) => ({ ...a, startsAt: new Date(a.startsAt) }));
      detectedAt = earliestStart(alerts, incident.detectedAt);
      prefill = prefillFor(runbook, alerts, telemetry);
    }
    const run = await createRun(sql, {
      runbook,
      actor,
      drill: input.drill,
      drillScenario: input.scenario ?? null,
      incidentId: input.incidentId ?? null,
      detectedAt,
      prefill,
      firstStepEvidence: input.flowId ? { text: `Flow ${input.flowId} (preselected when the run was started)`, url: null } : null,
    });
    return {
      data: { runId: run.id },
      audit: {
        target: { type: "run", id: run.id },
        details: { runbookId: runbook.id, title: runbook.title, contentHash: runbook.contentHash, drill: input.drill, scenario: input.scenario ?? null, incidentId: input.incidentId ?? null, flowId: input.flowId ?? null, prefill },
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
