import { z } from "zod";
import { ROLES, ROLE_LABELS } from "../auth/roles";
import { RUNBOOK_ID } from "../runbooks/schema";
import { freeText } from "./secrets";

const personId = z.uuid({ error: "Not a person id; reload the page." });
const role = z.enum(ROLES, { error: `Choose a role (${ROLES.map((r) => ROLE_LABELS[r]).join(", ")}).` });
const reason = freeText(z.string().trim().max(500, "The reason is limited to 500 characters.").optional().transform((v) => v || undefined));

/** Add a person: their email and name, and the roles to give them (a form sends one checkbox per role). */
export const addPersonSchema = z.object({
  email: z
    .string({ error: "Give the person's email address." })
    .trim()
    .toLowerCase()
    .max(254, "An email address has at most 254 characters.")
    .pipe(z.email({ error: "Not an email address." })),
  // At least one letter or digit: `trim()` keeps NUL and other invisible characters, and "\u0000" was a valid name.
  name: freeText(
    z
      .string({ error: "Give the person's name." })
      .trim()
      .min(1, "Give the person's name.")
      .max(200, "The name is limited to 200 characters.")
      .refine((v) => v === "" || /[\p{L}\p{N}]/u.test(v), "Give the person's name: it has no letter in it."),
  ),
  roles: z
    .union([role, z.array(role)], { error: "Choose at least one role." })
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(role).min(1, "Choose at least one role.")),
  reason,
});

export const grantRoleSchema = z.object({ personId, role, reason });
export const revokeRoleSchema = z.object({ personId, role });
export const decideGrantSchema = z.object({
  requestId: z.uuid({ error: "Not a request id; reload the page." }),
  decision: z.enum(["approve", "reject"], { error: "Choose approve or reject." }),
});
export const setDisabledSchema = z.object({ personId, state: z.enum(["disabled", "enabled"], { error: "Choose disabled or enabled." }) });

/** The access review's question: a UTC day (empty: the whole history) and the runbook whose approvers are asked for. */
export const accessReviewQuerySchema = z.object({
  date: z
    .union([z.literal(""), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Give a date as YYYY-MM-DD.")])
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "No such date."),
  runbookId: z
    .union([z.literal(""), z.string().regex(RUNBOOK_ID, "Not a runbook id (expected e.g. RB-LAUNCH-002).")])
    .optional()
    .transform((v) => v || undefined),
});
