import { z } from "zod";
import { RUNBOOK_ID } from "../runbooks/schema";
import { freeText } from "./secrets";

export const SEVERITIES = ["P1", "P2", "P3"] as const;
const incidentId = z.uuid({ error: "Not an incident id." });

export const declareIncidentSchema = z.object({
  title: freeText(z.string({ error: "Give the incident a title." }).trim().min(5, "Give the incident a title (at least 5 characters).").max(200)),
  severity: z.enum(SEVERITIES, { error: "Choose P1, P2 or P3." }),
  summary: freeText(z.string().trim().max(4000).optional().transform((v) => v || undefined)),
  suggestedRunbookId: z.union([z.literal(""), z.string().regex(RUNBOOK_ID, "Not a runbook id.")]).optional().transform((v) => v || undefined),
});

export const incidentStatusSchema = z.object({
  incidentId,
  status: z.enum(["OPEN", "MITIGATED", "RESOLVED"], { error: "Choose open, mitigated or resolved." }),
  note: freeText(z.string().trim().max(2000).optional().transform((v) => v || undefined)),
});

export const takeCommandSchema = z.object({ incidentId });

/** Alertmanager's webhook payload, version 4. Unknown fields are kept out; what is required is checked. */
const alertSchema = z.object({
  status: z.enum(["firing", "resolved"]),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.iso.datetime({ offset: true }),
  // Alertmanager sends "0001-01-01T00:00:00Z" while an alert fires; anything but a time was stored as an invalid date.
  endsAt: z.union([z.literal(""), z.iso.datetime({ offset: true })], { error: "not a date and time (RFC 3339)" }).default(""),
  generatorURL: z.string().default(""),
  fingerprint: z.string().min(1, "every alert needs a fingerprint"),
});

export const alertmanagerPayloadSchema = z.object({
  version: z.literal("4", { error: 'only version "4" payloads are accepted' }),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: z.record(z.string(), z.string()).default({}),
  commonLabels: z.record(z.string(), z.string()).default({}),
  commonAnnotations: z.record(z.string(), z.string()).default({}),
  externalURL: z.string().default(""),
  alerts: z
    .array(alertSchema)
    .min(1, "a notification carries at least one alert")
    // Alerts are stored by (group key, fingerprint): a fingerprint twice in one notification would collide.
    .refine((alerts) => new Set(alerts.map((a) => a.fingerprint)).size === alerts.length, "each alert in a notification needs its own fingerprint"),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
