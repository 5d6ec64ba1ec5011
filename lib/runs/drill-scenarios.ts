/** The drill scenarios and each runbook's usual one, without the schema (drills.ts): the start form in the browser imports these. */
export const DRILL_SCENARIOS = [
  "mass-failure",
  "provider-outage",
  "rate-limit-storm",
  "cost-runaway",
  "large-context-timeouts",
  "schema-breaking-deployment",
  "db-pool-exhaustion",
  "leaked-api-key",
] as const;
export type DrillScenario = (typeof DRILL_SCENARIOS)[number];

/** The scenario each runbook is usually drilled with (the start form preselects it). */
export const DEFAULT_SCENARIO: Record<string, DrillScenario> = {
  "RB-LAUNCH-005": "mass-failure",
  "RB-CORE-004": "provider-outage",
  "RB-CORE-003": "rate-limit-storm",
  "RB-LAUNCH-004": "cost-runaway",
  "RB-CORE-002": "large-context-timeouts",
  "RB-CORE-005": "leaked-api-key",
  "RB-LAUNCH-003": "db-pool-exhaustion",
  "RB-LAUNCH-002": "mass-failure",
  "RB-CORE-001": "large-context-timeouts",
};
