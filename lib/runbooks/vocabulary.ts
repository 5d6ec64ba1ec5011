/** Runbook severities and categories, without the schema (schema.ts): the runbook index in the browser imports these. */
export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
export const CATEGORIES = ["core", "launch"] as const;
