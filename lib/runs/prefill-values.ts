/** What a proposed step parameter looks like on a run (no telemetry code, so the run page's client bundle stays small). */
export type PrefillSource = "alert" | "telemetry";
export type PrefillValue = { value: string; source: PrefillSource; detail: string };
/** Placeholder name → proposed value, in the order the runbook first uses the names. */
export type Prefill = Record<string, PrefillValue>;

/** How the run page marks a proposed value. */
export const PREFILL_LABELS: Record<PrefillSource, string> = { alert: "from alert", telemetry: "proposed from telemetry" };
