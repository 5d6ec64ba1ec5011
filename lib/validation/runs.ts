import { z } from "zod";
import { RUNBOOK_ID } from "../runbooks/schema";
import { drillScenarioSchema } from "../runs/drills";
import { freeText } from "./secrets";

const checkbox = z
  .union([z.boolean(), z.enum(["on", "true", "false", ""])])
  .optional()
  .transform((v) => v === true || v === "on" || v === "true");

export const startRunSchema = z
  .object({
    runbookId: z.string({ error: "Choose a runbook." }).trim().regex(RUNBOOK_ID, "Not a runbook id (expected e.g. RB-CORE-001)."),
    drill: checkbox,
    scenario: z.union([z.literal(""), drillScenarioSchema]).optional().transform((v) => v || undefined),
    incidentId: z.union([z.literal(""), z.uuid({ error: "Not an incident id." })]).optional().transform((v) => v || undefined),
    /** The flow the run is about (e.g. a failing first flow linked from onboarding); recorded as evidence on step 1. */
    flowId: freeText(z.union([z.literal(""), z.string().trim().regex(/^[\w.:-]{1,100}$/, "Not a flow id.")]).optional().transform((v) => v || undefined)),
  })
  .refine((v) => !v.scenario || v.drill, { path: ["scenario"], message: "A scenario is injected only for drills." });

const runId = z.uuid({ error: "Not a run id." });
const stepId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "Not a step id.");
const reason = (what: string) =>
  freeText(z.string({ error: `Give the reason for ${what}.` }).trim().min(3, `Give the reason for ${what} (at least a few words).`).max(2000));

export const signStepSchema = z.object({ runId, stepId, notes: freeText(z.string().trim().max(4000, "Notes are limited to 4,000 characters.").optional().transform((v) => v || undefined)) });

/** Parameter values arrive as `param.<name>` form fields (or a `values` object from JSON callers). */
export const requestStepSchema = z.preprocess(
  (raw) => {
    if (!raw || typeof raw !== "object") return raw;
    const r = raw as Record<string, unknown>;
    // Anything but an object is refused as `values` (spread, a string would become {0: …} and a number {}).
    if (r.values != null && (typeof r.values !== "object" || Array.isArray(r.values))) return { runId: r.runId, stepId: r.stepId, values: r.values };
    const values: Record<string, unknown> = { ...((r.values as Record<string, unknown>) ?? {}) };
    for (const [k, v] of Object.entries(r)) if (k.startsWith("param.")) values[k.slice(6)] = v;
    return { runId: r.runId, stepId: r.stepId, values };
  },
  z.object({ runId, stepId, values: z.record(z.string(), freeText(z.string().max(2000))).default({}) }),
);

export const approveStepSchema = z.object({ runId, stepId, requestHash: z.string().regex(/^[0-9a-f]{64}$/, "Missing the request you are approving; reload the page.") });

export const decideStepSchema = z.object({
  runId,
  stepId,
  outcome: z.enum(["GO", "NO_GO"], { error: "Choose GO or NO-GO." }),
  reason: reason("the decision"),
  /** Ids of the criteria the decider ticked (repeated form field). */
  checked: z.union([z.string(), z.array(z.string())]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
});

export const skipStepSchema = z.object({ runId, stepId, reason: reason("skipping this step") });
export const abortRunSchema = z.object({ runId, reason: reason("aborting the run") });
export const escalateRunSchema = z.object({
  runId,
  reason: reason("escalating"),
  /** The level the person meant to escalate to (the page's next level); a run already there is not escalated again. */
  level: z.union([z.literal(""), z.enum(["L1", "L2", "L3"], { error: "Not an escalation level." })]).optional().transform((v) => v || undefined),
});
export const evidenceSchema = z.object({
  runId,
  stepId,
  text: freeText(z.string().trim().min(1, "Write what the evidence shows.").max(4000)),
  url: freeText(z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "Links must start with http:// or https://." })]).optional().transform((v) => v || undefined)),
});

export const saveRcaSchema = z.object({
  runId,
  /** Line ends normalised to \n (a form posts a textarea with \r\n), so a version's hash does not depend on how it was sent. */
  markdown: freeText(
    z.preprocess((v) => (typeof v === "string" ? v.replace(/\r\n?/g, "\n") : v), z.string().trim().min(20, "The RCA is too short to save.").max(200_000, "The RCA is limited to 200,000 characters.")),
  ),
  /** The version the editor started from (0 for the generated draft): a save based on an older one is refused. */
  baseVersion: z.coerce.number({ error: "Missing the version this RCA is based on; reload the page." }).int().min(0, "Missing the version this RCA is based on; reload the page."),
});
