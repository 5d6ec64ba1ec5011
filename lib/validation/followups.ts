import { z } from "zod";
import { RUNBOOK_ID } from "../runbooks/schema";
import { freeText } from "./secrets";

const optionalUuid = (error: string) => z.union([z.literal(""), z.uuid({ error })]).optional().transform((v) => v || undefined);
/** A due date: a calendar day, YYYY-MM-DD. */
export const dueDateSchema = z.string({ error: "Give a due date." }).regex(/^\d{4}-\d{2}-\d{2}$/, "Give the due date as YYYY-MM-DD.").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "Not a calendar date.");

/** A follow-up of an RCA (runId) or an incident (incidentId); a runbook (and step) makes it a runbook gap. */
export const addFollowUpSchema = z
  .object({
    runId: optionalUuid("Not a run id."),
    incidentId: optionalUuid("Not an incident id."),
    title: freeText(z.string({ error: "Say what needs doing." }).trim().min(3, "Say what needs doing (at least a few words).").max(300, "Keep the title under 300 characters.")),
    ownerId: z.uuid({ error: "Choose an owner." }),
    dueOn: dueDateSchema,
    runbookId: z.union([z.literal(""), z.string().trim().regex(RUNBOOK_ID, "Not a runbook id (expected e.g. RB-CORE-004).")]).optional().transform((v) => v || undefined),
    stepId: z.union([z.literal(""), z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Not a step id.")]).optional().transform((v) => v || undefined),
  })
  .refine((v) => Boolean(v.runId) !== Boolean(v.incidentId), { path: ["runId"], message: "A follow-up belongs to one RCA or one incident." })
  .refine((v) => !v.stepId || v.runbookId, { path: ["stepId"], message: "Choose the runbook the step belongs to." });

/** Closes a follow-up: done (a runbook gap names the change-log entry that fixed it) or won't do (with a reason). */
export const closeFollowUpSchema = z
  .object({
    followUpId: z.uuid({ error: "Not a follow-up id." }),
    version: z.coerce.number().int().nonnegative(),
    outcome: z.enum(["done", "wont-do"], { error: "Choose done or won't do." }),
    changelogKey: z.union([z.literal(""), z.string().regex(/^[0-9a-f]{12}$/, "Choose a change-log entry.")]).optional().transform((v) => v || undefined),
    reason: freeText(z.string().trim().max(2000).optional().transform((v) => v || undefined)),
  })
  .refine((v) => v.outcome !== "wont-do" || (v.reason?.length ?? 0) >= 3, { path: ["reason"], message: "Say why it will not be done." });

/** Records a review of a runbook: no change, or the change-log entry it led to. */
export const recordReviewSchema = z
  .object({
    runbookId: z.string({ error: "Choose a runbook." }).trim().regex(RUNBOOK_ID, "Not a runbook id (expected e.g. RB-CORE-004)."),
    outcome: z.enum(["no-change", "changelog"], { error: "Choose the outcome: no change, or a change-log entry." }),
    changelogKey: z.union([z.literal(""), z.string().regex(/^[0-9a-f]{12}$/, "Choose a change-log entry.")]).optional().transform((v) => v || undefined),
    note: freeText(z.string().trim().max(2000, "Notes are limited to 2,000 characters.").optional().transform((v) => v || undefined)),
  })
  .refine((v) => v.outcome !== "changelog" || v.changelogKey, { path: ["changelogKey"], message: "Choose the change-log entry this review led to." });
