import { z } from "zod";
import { RUNBOOK_ID } from "../runbooks/schema";

export const startRunSchema = z.object({
  runbookId: z.string({ error: "Choose a runbook." }).trim().regex(RUNBOOK_ID, "Not a runbook id (expected e.g. RB-CORE-001)."),
  drill: z
    .union([z.boolean(), z.enum(["on", "true", "false", ""])])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
});
export type StartRunInput = z.input<typeof startRunSchema>;
