import { z } from "zod";
import { ROLES } from "../auth/roles";
import { CONTROL_PLANE_ACTIONS } from "../control-plane/actions";
import { CATEGORIES, SEVERITIES } from "./vocabulary";

export const RUNBOOK_ID = /^RB-(CORE|LAUNCH)-\d{3}$/;
export const STEP_KINDS = ["task", "decision", "action", "verification", "escalation", "link"] as const;
/**
 * How live telemetry may propose a step parameter that the incident's alert does not carry (a step's `propose:`
 * names one per placeholder; lib/runs/prefill.ts implements them).
 * - healthiest-other-provider: the healthiest provider on the SLO panel other than `{{provider}}`.
 * - second-failed-provider: a provider down (else degraded) on the SLO panel other than `{{provider}}`.
 */
/** How often a runbook is reviewed (the seed's Runbook Maintenance schedule); quarterly unless its front matter says otherwise. */
export const REVIEW_CADENCES = ["monthly", "quarterly", "annually"] as const;
export type ReviewCadence = (typeof REVIEW_CADENCES)[number];
export const PROPOSAL_RULES = ["healthiest-other-provider", "second-failed-provider"] as const;
export type ProposalRule = (typeof PROPOSAL_RULES)[number];

const role = z.enum(ROLES, { error: (i) => `unknown role "${String(i.input)}" (expected one of ${ROLES.join(", ")})` });
const runbookRef = z.string().regex(RUNBOOK_ID, "must be a runbook id like RB-CORE-001");
const stepId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case (a-z, 0-9, -)");
const isoDate = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")])
  .transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d));

/** Where a decision branch leads: another step of this runbook, or the end of the run with an outcome. */
const branchTarget = z.union([stepId, z.enum(["end:completed", "end:rolled-back", "end:aborted"])]);

const criterion = z.object({
  id: stepId,
  label: z.string().min(1),
  /** A live value the portal can show beside the criterion (filled in by the execution engine). */
  metric: z.enum(["reposAffected", "minutesSinceDetection", "spendTodayUsd", "pilotAffected", "securityIncident", "fixEtaMinutes", "rootCauseKnown"]).optional(),
});

export const stepMetaSchema = z
  .object({
    id: stepId,
    kind: z.enum(STEP_KINDS, { error: (i) => `unknown step kind "${String(i.input)}" (expected one of ${STEP_KINDS.join(", ")})` }),
    signoff: z.array(role).min(1, "needs at least one role that may sign it off"),
    twoPerson: z.boolean().default(false),
    minutes: z.number().positive("expected duration must be positive"),
    action: z
      .object({
        name: z.enum(CONTROL_PLANE_ACTIONS, { error: (i) => `unknown control-plane action "${String(i.input)}"` }),
        params: z.record(z.string(), z.unknown()).default({}),
      })
      .strict()
      .optional(),
    /** Placeholder name → how live telemetry proposes its value when the alert does not give it. */
    propose: z
      .record(z.string(), z.enum(PROPOSAL_RULES, { error: (i) => `unknown proposal rule "${String(i.input)}" (expected one of ${PROPOSAL_RULES.join(", ")})` }))
      .optional(),
    criteria: z.object({ go: z.array(criterion).min(1), noGo: z.array(criterion).min(1) }).strict().optional(),
    onGo: branchTarget.optional(),
    onNoGo: branchTarget.optional(),
    link: runbookRef.optional(),
  })
  .strict();

export type StepMeta = z.infer<typeof stepMetaSchema>;

const escalationLevel = z
  .object({
    level: z.enum(["L1", "L2", "L3"]),
    who: z.string().min(1),
    roles: z.array(role).min(1),
    afterMinutes: z.number().int().nonnegative(),
  })
  .strict();

export const frontMatterSchema = z
  .object({
    id: runbookRef,
    title: z.string().min(3),
    severity: z.enum(SEVERITIES),
    severityNote: z.string().optional(),
    category: z.enum(CATEGORIES),
    owners: z.array(role).min(1),
    startRoles: z.array(role).min(1),
    responseTime: z.object({ minutes: z.number().positive().nullable(), label: z.string().min(1) }).strict(),
    useWhen: z.array(z.string().min(1)).min(1),
    escalation: z.array(escalationLevel).length(3, "needs exactly three levels: L1, L2, L3"),
    dependencies: z.array(runbookRef).default([]),
    timeline: z
      .array(z.object({ fromMinutes: z.number().nonnegative(), toMinutes: z.number().positive(), label: z.string() }).strict())
      .optional(),
    successCriteria: z.array(z.string().min(1)).min(1),
    validation: z
      .object({ method: z.string().min(1), date: isoDate, status: z.enum(["validated", "pending"]), note: z.string().optional() })
      .strict(),
    reviewCadence: z
      .enum(REVIEW_CADENCES, { error: (i) => `unknown review cadence "${String(i.input)}" (expected one of ${REVIEW_CADENCES.join(", ")})` })
      .default("quarterly"),
    changelog: z.array(z.object({ date: isoDate, author: z.string().min(1), change: z.string().min(1) }).strict()).min(1),
  })
  .strict();

export type FrontMatter = z.infer<typeof frontMatterSchema>;
