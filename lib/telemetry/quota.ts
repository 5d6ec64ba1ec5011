/** Quota maths (RB-CORE-003): tokens per provider against the daily quota, the 85 % breaker line, time to reset. */
import { PROVIDER_LABELS, type Aggregates, type Flow, type Phase, type Provider, type ProviderHealth, type Settings } from "../control-plane/contract";
import type { PanelAlert } from "./alerts";
import { duration, percent, tokens } from "./format";
import { MASS_FAILURE, PHASE_LABELS, QUOTA_BASELINES, QUOTA_BREAKER_PERCENT, QUOTA_WAIT_FOR_RESET_MS, RUNBOOK_FOR } from "./thresholds";

/** Share of the daily quota used, in percent. A zero quota with any use counts as full. */
export function quotaUsedPercent(used: number, quota: number): number {
  if (quota <= 0) return used > 0 ? 100 : 0;
  return (used / quota) * 100;
}

/** True on reaching the breaker line (exactly 85 % trips it); compared in integers, so no rounding decides it. */
export function atQuotaBreaker(used: number, quota: number): boolean {
  if (quota <= 0) return used > 0;
  return used * 100 >= QUOTA_BREAKER_PERCENT * quota;
}

/** RB-CORE-003 option 1 ("wait for quota reset") fits when the reset is less than 6 h away. */
export function canWaitForReset(msToReset: number): boolean {
  return msToReset < QUOTA_WAIT_FOR_RESET_MS;
}

export type QuotaRow = {
  provider: Provider;
  label: string;
  usedToday: number;
  dailyQuota: number;
  usedPercent: number;
  /** The phase's baseline quota (a granted increase makes dailyQuota larger). */
  baseline: number;
  atBreaker: boolean;
  breaker: "closed" | "open" | "half-open";
  breakerReason: "manual" | "quota" | null;
  resetsAt: string;
  msToReset: number;
  waitForReset: boolean;
};

export type QuotaPanel = {
  phase: Phase;
  phaseLabel: string;
  breakerPercent: number;
  rows: QuotaRow[];
  globalBreaker: "open" | "closed";
  rateLimitedLastHour: number;
  alerts: PanelAlert[];
};

export function evaluateQuota(input: { phase: Phase; at: string; tokens: Aggregates["tokens"]; providers: ProviderHealth; settings: Settings; flows: Flow[] }): QuotaPanel {
  const now = Date.parse(input.at);
  const rows: QuotaRow[] = input.tokens.map((t) => {
    const health = input.providers.providers.find((p) => p.provider === t.provider);
    const setting = input.settings.breakers.providers.find((p) => p.provider === t.provider);
    const msToReset = Math.max(0, Date.parse(t.resetsAt) - now);
    return {
      provider: t.provider,
      label: PROVIDER_LABELS[t.provider],
      usedToday: t.usedToday,
      dailyQuota: t.dailyQuota,
      usedPercent: quotaUsedPercent(t.usedToday, t.dailyQuota),
      baseline: QUOTA_BASELINES[input.phase][t.provider],
      atBreaker: atQuotaBreaker(t.usedToday, t.dailyQuota),
      breaker: health?.breaker ?? setting?.state ?? "closed",
      breakerReason: setting?.reason ?? null,
      resetsAt: t.resetsAt,
      msToReset,
      waitForReset: canWaitForReset(msToReset),
    };
  });
  const rateLimitedLastHour = input.flows.filter(
    (f) => f.errorType === "429" && f.finishedAt !== null && now - Date.parse(f.finishedAt) < MASS_FAILURE.windowMs,
  ).length;

  const alerts: PanelAlert[] = [];
  for (const r of rows) {
    const reset = `resets in ${duration(r.msToReset)}${r.waitForReset ? " (under 6 h: waiting is an option)" : ""}`;
    if (r.atBreaker) {
      alerts.push({
        key: `quota.${r.provider}`,
        severity: "critical",
        message: `${r.label} has used ${percent(r.usedPercent)} of its ${tokens(r.dailyQuota)} daily quota, at or over the ${QUOTA_BREAKER_PERCENT} % circuit-breaker line; ${reset}.`,
        runbookId: RUNBOOK_FOR.quota,
      });
    } else if (r.breaker === "open" && r.breakerReason === "quota") {
      alerts.push({
        key: `quota.${r.provider}.breaker`,
        severity: "critical",
        message: `${r.label}'s quota circuit breaker is open; ${reset}.`,
        runbookId: RUNBOOK_FOR.quota,
      });
    }
  }
  if (rateLimitedLastHour > 0) {
    alerts.push({
      key: "quota.429",
      severity: "warning",
      message: `${rateLimitedLastHour} flow${rateLimitedLastHour === 1 ? "" : "s"} failed with 429 Too Many Requests in the last hour.`,
      runbookId: RUNBOOK_FOR.quota,
    });
  }

  return {
    phase: input.phase,
    phaseLabel: PHASE_LABELS[input.phase],
    breakerPercent: QUOTA_BREAKER_PERCENT,
    rows,
    globalBreaker: input.settings.breakers.global,
    rateLimitedLastHour,
    alerts,
  };
}
