/** An onboarding request's form fields for tests: every field filled in and valid, so a test sets only what it is about. */
export const ONBOARDING_FORM = {
  submissionKey: "7d1c1c3e-6a59-4b59-9d51-0c7a3d1b2f10",
  repoName: "payments-api",
  repoUrl: "https://github.com/acme/payments-api",
  team: "Payments",
  ownerContacts: "rui@ops.example, #payments",
  alertContacts: "#payments-alerts\n@oncall",
  targetPhase: "PHASE_6",
  expectedFlowsPerDay: "6",
  estimatedDailySpendUsd: "3.50",
  trainingCompleted: "on",
  cicdReady: "on",
  apiAccessRequested: "on",
};
