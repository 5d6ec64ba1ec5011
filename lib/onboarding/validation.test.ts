import { describe, expect, it } from "vitest";
import { z } from "zod";
import { repoNameSchema } from "../control-plane/contract";
import { fakeSecrets } from "../validation/fake-secrets";
import { ONBOARDING_FORM } from "./test-fixtures";
import { approveOnboardingSchema, onboardingRequestSchema, repoNameField, sendBackOnboardingSchema } from "../validation/onboarding";

const form = { ...ONBOARDING_FORM, estimatedDailySpendUsd: "$3.50" };
const errors = (input: Record<string, unknown>) => {
  const r = onboardingRequestSchema.safeParse(input);
  return r.success ? {} : z.flattenError(r.error).fieldErrors;
};

describe("onboardingRequestSchema (shared by the form and the action)", () => {
  it("parses FormData strings into the request", () => {
    expect(onboardingRequestSchema.parse(form)).toEqual({
      ...form,
      ownerContacts: ["rui@ops.example", "#payments"],
      alertContacts: ["#payments-alerts", "@oncall"],
      expectedFlowsPerDay: 6,
      estimatedDailySpendUsd: 3.5,
      trainingCompleted: true,
      cicdReady: true,
      apiAccessRequested: true,
    });
  });

  it("names every bad field, not only the first", () => {
    const e = errors({ ...form, repoUrl: "github.com/acme", estimatedDailySpendUsd: "-2", cicdReady: undefined, alertContacts: "not a contact" });
    expect(Object.keys(e).sort()).toEqual(["alertContacts", "cicdReady", "estimatedDailySpendUsd", "repoUrl"]);
    expect(e.repoUrl).toEqual(["Give the repository's https:// URL, e.g. https://github.com/acme/billing-api."]);
    expect(e.estimatedDailySpendUsd).toEqual(["Spend cannot be negative."]);
    expect(e.cicdReady?.[0]).toMatch(/CI\/CD must be ready/);
    expect(e.alertContacts?.[0]).toMatch(/is not an email address, a #channel or an @handle/);
  });

  it("refuses an incomplete checklist item by item", () => {
    const e = errors({ ...form, trainingCompleted: undefined, apiAccessRequested: "" });
    expect(Object.keys(e).sort()).toEqual(["apiAccessRequested", "trainingCompleted"]);
  });

  it("refuses credentials in the URL, plain http, and text that looks like a key", () => {
    expect(errors({ ...form, repoUrl: "https://bot:hunter2@github.com/acme/x" }).repoUrl?.[0]).toMatch(/credentials/);
    expect(errors({ ...form, repoUrl: "http://github.com/acme/x" }).repoUrl).toBeDefined();
    expect(errors({ ...form, team: "sk-ant-REDACTEDREDACTEDREDACTED" }).team?.[0]).toMatch(/API key/);
    expect(errors({ ...form, ownerContacts: `rui@ops.example, ${fakeSecrets.google}` }).ownerContacts).toEqual([expect.stringMatching(/^This looks like a Google API key\./)]);
  });

  it("has no field for a key: one sent anyway is dropped", () => {
    const parsed = onboardingRequestSchema.parse({ ...form, apiKey: "sk-abc", providerKey: "x" });
    expect(Object.keys(parsed)).not.toContain("apiKey");
    expect(Object.keys(parsed)).not.toContain("providerKey");
  });

  it("requires the numbers, whole flows and spend in cents", () => {
    expect(errors({ ...form, expectedFlowsPerDay: "" }).expectedFlowsPerDay).toEqual(["Give the expected number of flows per day."]);
    expect(errors({ ...form, expectedFlowsPerDay: "2.5" }).expectedFlowsPerDay).toEqual(["Give a whole number of flows."]);
    expect(errors({ ...form, estimatedDailySpendUsd: "1.234" }).estimatedDailySpendUsd).toEqual(["Give the spend in dollars and cents (e.g. 3.50)."]);
    expect(errors({ ...form, estimatedDailySpendUsd: "0" })).toEqual({});
  });

  it("accepts only names the control plane accepts", () => {
    for (const name of ["payments-api", "a", "x.y_z-1", "bad name", "-lead", "", "a".repeat(101), "ünicode"]) {
      expect(repoNameField.safeParse(name).success, name).toBe(repoNameSchema.safeParse(name).success && name.trim() !== "");
    }
  });
});

describe("review schemas", () => {
  it("reads the acknowledgement checkbox and requires a reason to send back", () => {
    const id = form.submissionKey;
    expect(approveOnboardingSchema.parse({ onboardingId: id, acknowledgeFlags: "on", note: "" })).toEqual({ onboardingId: id, acknowledgeFlags: true, note: undefined });
    expect(approveOnboardingSchema.parse({ onboardingId: id })).toMatchObject({ acknowledgeFlags: false });
    expect(sendBackOnboardingSchema.safeParse({ onboardingId: id, reason: " " }).success).toBe(false);
    expect(approveOnboardingSchema.safeParse({ onboardingId: "nope" }).success).toBe(false);
  });
});
