import { defineAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { AuthorizationError, can } from "../auth/permissions";
import { incidentOrNotFound, updateIncident } from "../stores/incidents";
import { declareIncidentSchema, incidentStatusSchema, takeCommandSchema } from "../validation/incidents";

const incidentTarget = (input: { incidentId: string }) => ({ type: "incident", id: input.incidentId });

/** Declares an incident (a person saw something the detectors did not). */
export const declareIncidentAction = defineAction({
  name: "incident.declared",
  schema: declareIncidentSchema,
  permission: "incident.declare",
  async run({ actor, input, tx }) {
    const incident = await tx.incident.create({
      data: {
        title: input.title,
        severity: input.severity,
        summary: input.summary ?? null,
        suggestedRunbookId: input.suggestedRunbookId ?? null,
        source: "PERSON",
        detectedAt: new Date(),
        createdById: actor.id,
        commanderId: can(actor, "incident.command") ? actor.id : null,
      },
    });
    return { data: { incidentId: incident.id }, audit: { target: { type: "incident", id: incident.id }, details: { title: input.title, severity: input.severity, suggestedRunbookId: input.suggestedRunbookId ?? null } } };
  },
});

const ORDER = { OPEN: 0, MITIGATED: 1, RESOLVED: 2 } as const;

/** Moves an incident to mitigated or resolved (or reopens it), with an optional note. */
export const setIncidentStatusAction = defineAction({
  name: "incident.status_changed",
  schema: incidentStatusSchema,
  permission: "incident.manage",
  target: incidentTarget,
  async run({ actor, input, tx }) {
    const incident = await incidentOrNotFound(tx, input.incidentId);
    if (incident.status === input.status) throw new ActionError("CONFLICT", `The incident is already ${input.status.toLowerCase()}.`);
    if (ORDER[input.status] < ORDER[incident.status] && !can(actor, "incident.reopen")) {
      throw new AuthorizationError("incident.reopen", "Only the incident commander may reopen an incident.");
    }
    const now = new Date();
    await updateIncident(
      tx,
      incident,
      {
        status: input.status,
        mitigatedAt: input.status === "MITIGATED" ? now : incident.mitigatedAt,
        resolvedAt: input.status === "RESOLVED" ? now : input.status === "OPEN" ? null : incident.resolvedAt,
      },
      "Someone else changed this incident just now; the page shows the latest state.",
    );
    return { data: { incidentId: incident.id }, audit: { details: { before: { status: incident.status }, after: { status: input.status }, note: input.note ?? null } } };
  },
});

/** The incident commander takes command of an incident. */
export const takeCommandAction = defineAction({
  name: "incident.command_taken",
  schema: takeCommandSchema,
  permission: "incident.command",
  target: incidentTarget,
  async run({ actor, input, tx }) {
    const incident = await incidentOrNotFound(tx, input.incidentId);
    if (incident.commanderId === actor.id) throw new ActionError("CONFLICT", "You already command this incident.");
    await updateIncident(tx, incident, { commanderId: actor.id }, "Someone else changed this incident just now.");
    return { data: { incidentId: incident.id }, audit: { details: { before: { commanderId: incident.commanderId }, after: { commanderId: actor.id } } } };
  },
});
