/**
 * Onboarding input, shared by the request form (checked in the browser before sending) and the server actions
 * (checked again). FormData strings and JSON values both parse. There is no field for an API key: keys are
 * provisioned by the control plane, and text that looks like one is refused.
 */
import { z } from "zod";
import { ONBOARDING_PHASES } from "../onboarding/impact";
import { REPO_NAME_PATTERN } from "../onboarding/workflow";
import { findSecret, freeText, secretMessage } from "./secrets";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const checkbox = (message: string) =>
  z
    .union([z.boolean(), z.string()])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true")
    .refine((v) => v, message);

const numberField = (required: string) =>
  z.preprocess((v) => {
    const b = blank(v);
    return typeof b === "string" ? Number(b.replace(/^\s*\$/, "")) : b;
  }, z.number({ error: required }));

const CONTACT = /^(#[a-z0-9][a-z0-9._-]{0,79}|@[A-Za-z0-9][A-Za-z0-9._-]{0,79})$/;
const EMAIL = z.email();

/** Contacts: a list, or text separated by commas, semicolons or new lines; each an email, #channel or @handle. */
const contactList = (what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? v.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean) : v),
    z
      .array(z.string().trim(), { error: `Give at least one ${what} contact.` })
      .min(1, `Give at least one ${what} contact.`)
      .max(10, `Give at most 10 ${what} contacts.`)
      .superRefine((list, ctx) => {
        // A credential is the only problem reported: the others quote the contact, which could hold part of it.
        const secret = list.map(findSecret).find(Boolean);
        if (secret) return ctx.addIssue({ code: "custom", message: secretMessage(secret.kind) });
        for (const c of list) {
          if (!EMAIL.safeParse(c).success && !CONTACT.test(c)) {
            ctx.addIssue({ code: "custom", message: `"${c.slice(0, 60)}" is not an email address, a #channel or an @handle.` });
          }
        }
      }),
  );

export const repoNameField = freeText(
  z
    .string({ error: "Give the repository's name." })
    .trim()
    .min(1, "Give the repository's name.")
    .regex(REPO_NAME_PATTERN, "Use the repository's name: letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. billing-api)."),
);

export const repoUrlField = freeText(
  z
    .string({ error: "Give the repository's URL." })
    .trim()
    .min(1, "Give the repository's URL.")
    .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain, error: "Give the repository's https:// URL, e.g. https://github.com/acme/billing-api." }))
    .refine((u) => {
      try {
        const url = new URL(u);
        return !url.username && !url.password;
      } catch {
        return true; // not a URL: the check above already says so
      }
    }, "Remove the user name or token from the URL: never put credentials in it."),
);

/** A repo owner's request. `submissionKey` comes with the form, so a double submit creates one request. */
export const onboardingRequestSchema = z.object({
  submissionKey: z.uuid({ error: "This form has expired: reload the page and submit again." }),
  repoName: repoNameField,
  repoUrl: repoUrlField,
  team: freeText(z.string({ error: "Give the team's name." }).trim().min(2, "Give the team's name.").max(100, "Keep the team's name under 100 characters.")),
  ownerContacts: contactList("owner"),
  alertContacts: contactList("alert"),
  targetPhase: z.enum(ONBOARDING_PHASES, { error: "Choose Phase 6 or Phase 7." }),
  expectedFlowsPerDay: numberField("Give the expected number of flows per day.").pipe(
    z.number().int("Give a whole number of flows.").min(1, "Expect at least one flow a day.").max(10_000, "More than 10,000 flows a day needs a capacity plan first (RB-LAUNCH-003)."),
  ),
  estimatedDailySpendUsd: numberField("Give the estimated daily spend in US dollars.").pipe(
    z
      .number()
      .min(0, "Spend cannot be negative.")
      .max(10_000, "Estimated spend over $10,000 a day needs Business approval first.")
      .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, "Give the spend in dollars and cents (e.g. 3.50)."),
  ),
  trainingCompleted: checkbox("Complete the training (Modules 4 and 5) before requesting onboarding."),
  cicdReady: checkbox("Your CI/CD must be ready (GitHub Actions, and you can merge workflow changes)."),
  apiAccessRequested: checkbox("Request API access for your repo's CI before onboarding."),
});
export type OnboardingRequest = z.output<typeof onboardingRequestSchema>;

/** The request form's fields, in order (for error summaries and tests). */
export const REQUEST_FIELDS = Object.keys(onboardingRequestSchema.shape) as (keyof OnboardingRequest)[];

const onboardingId = z.uuid({ error: "Not an onboarding id." });

export const onboardingRefSchema = z.object({ onboardingId });

export const approveOnboardingSchema = z.object({
  onboardingId,
  /** The approver ticked the box acknowledging the review's budget and capacity flags. */
  acknowledgeFlags: z
    .union([z.boolean(), z.string()])
    .optional()
    .transform((v) => v === true || v === "on" || v === "true"),
  note: freeText(z.string().trim().max(2000, "Keep the note under 2,000 characters.").optional().transform((v) => v || undefined)),
});

export const sendBackOnboardingSchema = z.object({
  onboardingId,
  reason: freeText(z.string({ error: "Say what needs to change." }).trim().min(3, "Say what needs to change (at least a few words).").max(2000, "Keep the reason under 2,000 characters.")),
});
