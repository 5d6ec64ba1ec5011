import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { signHeadSchema } from "./audit";
import { ONBOARDING_FORM } from "../onboarding/test-fixtures";
import { fakeSecrets } from "./fake-secrets";
import { declareIncidentSchema, incidentStatusSchema } from "./incidents";
import { approveOnboardingSchema, onboardingRequestSchema, sendBackOnboardingSchema } from "./onboarding";
import { abortRunSchema, decideStepSchema, escalateRunSchema, evidenceSchema, requestStepSchema, saveRcaSchema, signStepSchema, skipStepSchema, startRunSchema } from "./runs";
import { findSecret, secretMessage } from "./secrets";

const runId = "0b8f6a8e-2d1c-4e7a-9f3b-5c6d7e8f9a0b";
const onboardingId = "3e2d1c0b-8a9f-4e7d-8c6b-5a4f3e2d1c0b";
const stepId = "triage";
const sentence = (secret: string) => `Checked the flow logs, they show ${secret} in the request headers.`;
const ALL = Object.values(fakeSecrets);

type Field = {
  /** The field (its error key, as the action wrapper reports it) and a valid value for it. */
  name: string;
  /** The input with this field set to `value`. */
  input: (value: string) => Record<string, unknown>;
  /** How a secret would arrive in this field (default: inside a sentence). */
  carry?: (secret: string) => string;
  /** The kinds this field can carry at all (a length or pattern check may refuse the rest first). */
  secrets?: string[];
  /** An ordinary value that must pass (default: a sentence with a runbook id and a git SHA). */
  ordinary?: string;
};

const short = [fakeSecrets.awsKeyId, fakeSecrets.github, fakeSecrets.google, fakeSecrets.slack];

/** Every free-text field people submit, by schema. */
const SCHEMAS: { schema: z.ZodType; what: string; fields: Field[] }[] = [
  { schema: startRunSchema, what: "startRunSchema", fields: [{ name: "flowId", input: (flowId) => ({ runbookId: "RB-CORE-001", flowId }), carry: (s) => s, secrets: short, ordinary: "flow-123abc" }] },
  { schema: signStepSchema, what: "signStepSchema", fields: [{ name: "notes", input: (notes) => ({ runId, stepId, notes }) }] },
  {
    schema: requestStepSchema,
    what: "requestStepSchema",
    fields: [
      { name: "values.reason", input: (reason) => ({ runId, stepId, "param.reason": reason }) },
      { name: "values.reference", input: (reference) => ({ runId, stepId, values: { reference } }) },
    ],
  },
  { schema: decideStepSchema, what: "decideStepSchema", fields: [{ name: "reason", input: (reason) => ({ runId, stepId, outcome: "GO", reason }) }] },
  { schema: skipStepSchema, what: "skipStepSchema", fields: [{ name: "reason", input: (reason) => ({ runId, stepId, reason }) }] },
  { schema: abortRunSchema, what: "abortRunSchema", fields: [{ name: "reason", input: (reason) => ({ runId, reason }) }] },
  { schema: escalateRunSchema, what: "escalateRunSchema", fields: [{ name: "reason", input: (reason) => ({ runId, reason }) }] },
  {
    schema: evidenceSchema,
    what: "evidenceSchema",
    fields: [
      { name: "text", input: (text) => ({ runId, stepId, text }) },
      { name: "url", input: (url) => ({ runId, stepId, text: "Dashboard", url }), carry: (s) => `https://grafana.example.com/d/x?token=${encodeURIComponent(s)}` },
    ],
  },
  { schema: saveRcaSchema, what: "saveRcaSchema", fields: [{ name: "markdown", input: (markdown) => ({ runId, baseVersion: 0, markdown: `# RCA\n\n## Root cause\n\n${markdown}` }) }] },
  {
    schema: declareIncidentSchema,
    what: "declareIncidentSchema",
    fields: [
      { name: "title", input: (title) => ({ title, severity: "P2" }), carry: (s) => `Leak: ${s}` },
      { name: "summary", input: (summary) => ({ title: "Flow failures on billing-api", severity: "P2", summary }) },
    ],
  },
  { schema: incidentStatusSchema, what: "incidentStatusSchema", fields: [{ name: "note", input: (note) => ({ incidentId: runId, status: "MITIGATED", note }) }] },
  {
    schema: onboardingRequestSchema,
    what: "onboardingRequestSchema",
    fields: [
      { name: "repoName", input: (repoName) => ({ ...ONBOARDING_FORM, repoName }), carry: (s) => s, secrets: short, ordinary: "payments-api" },
      { name: "repoUrl", input: (repoUrl) => ({ ...ONBOARDING_FORM, repoUrl }), carry: (s) => `https://github.com/acme/payments-api?token=${encodeURIComponent(s)}` },
      { name: "team", input: (team) => ({ ...ONBOARDING_FORM, team }), carry: (s) => `Payments ${s}`, secrets: short, ordinary: "Payments (RB-CORE-005 owners)" },
      { name: "ownerContacts", input: (ownerContacts) => ({ ...ONBOARDING_FORM, ownerContacts }), carry: (s) => `rui@ops.example, ${s}`, ordinary: "rui@ops.example, #payments-9fceb02d0a" },
      { name: "alertContacts", input: (alertContacts) => ({ ...ONBOARDING_FORM, alertContacts }), carry: (s) => `#payments-alerts\n${s}`, ordinary: "#payments-alerts\n@oncall" },
    ],
  },
  { schema: approveOnboardingSchema, what: "approveOnboardingSchema", fields: [{ name: "note", input: (note) => ({ onboardingId, note }) }] },
  { schema: sendBackOnboardingSchema, what: "sendBackOnboardingSchema", fields: [{ name: "reason", input: (reason) => ({ onboardingId, reason }) }] },
  { schema: signHeadSchema, what: "signHeadSchema", fields: [{ name: "note", input: (note) => ({ note }), carry: (s) => `Before the review: ${s}` }] },
];

/** Error messages by field, keyed as the action wrapper keys them (the issue's path joined with dots). */
function fieldErrors(schema: z.ZodType, input: unknown): Record<string, string[]> {
  const r = schema.safeParse(input);
  const out: Record<string, string[]> = {};
  if (!r.success) for (const issue of r.error.issues) (out[issue.path.join(".") || "_form"] ??= []).push(issue.message);
  return out;
}

describe("free text people submit refuses credentials, naming the kind", () => {
  for (const { schema, what, fields } of SCHEMAS) {
    for (const field of fields) {
      const carry = field.carry ?? sentence;
      describe(`${what}: ${field.name}`, () => {
        it("accepts ordinary text", () => {
          expect(fieldErrors(schema, field.input(field.ordinary ?? carry("RB-CORE-005 at 9fceb02d0ae598e95dc970b74767f19372d61af8")))).toEqual({});
        });
        it.each((field.secrets ?? ALL).map((s) => [findSecret(s)?.kind, s]))("refuses: %s", (kind, secret) => {
          const errors = fieldErrors(schema, field.input(carry(secret)));
          expect(errors).toEqual({ [field.name]: [secretMessage(kind!)] });
          expect(JSON.stringify(errors)).not.toContain(secret);
        });
      });
    }
  }
});
