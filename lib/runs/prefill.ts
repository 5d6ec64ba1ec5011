/**
 * Step parameters proposed for a run started from an incident. A placeholder takes its value from the incident's
 * alerts where a label or annotation has its name (`provider`, `repo`, `flowId`; `flow_id` counts as `flowId`), and
 * otherwise from live telemetry where the step says how (`propose:` in the runbook, rules in PROPOSALS below).
 * Proposals only fill the run page's fields: what people send (and sign) is what the fields hold when they submit.
 */
import { PROVIDERS, type ProviderHealth, type TelemetrySnapshot } from "../control-plane/contract";
import { listPlaceholders } from "../control-plane/placeholders";
import type { ProposalRule } from "../runbooks/schema";
import type { Runbook } from "../runbooks";
import { providerDegraded } from "../telemetry/slo";

import type { Prefill, PrefillValue } from "./prefill-values";

export type { Prefill } from "./prefill-values";

/** The longest label or annotation value taken as a parameter (longer ones are left for a person to judge). */
export const MAX_PREFILL_LENGTH = 200;

export type PrefillAlert = { alertname: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: Date };

/** The placeholder name a label or annotation name stands for: itself, or its camelCase form (flow_id, flow-id → flowId). */
export function placeholderNameOf(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

type ProviderRow = ProviderHealth["providers"][number];

const BREAKER_RANK = { closed: 0, "half-open": 1, open: 2 } as const;

/** Providers from healthiest to least healthy: up before degraded before down, closed breakers first, then fewer errors, then lower latency. */
export function rankProviders(rows: ProviderRow[]): ProviderRow[] {
  const health = (p: ProviderRow) => (p.status === "down" ? 2 : providerDegraded(p) ? 1 : 0);
  return [...rows].sort(
    (a, b) =>
      health(a) - health(b) ||
      BREAKER_RANK[a.breaker] - BREAKER_RANK[b.breaker] ||
      a.errorRate - b.errorRate ||
      (a.latencyMs ?? Infinity) - (b.latencyMs ?? Infinity) ||
      PROVIDERS.indexOf(a.provider) - PROVIDERS.indexOf(b.provider),
  );
}

type ProposalContext = { known: Record<string, string>; telemetry: TelemetrySnapshot };
type Proposal = { value: string; detail: string } | null;

/** How each proposal rule a runbook may name reads the telemetry. */
export const PROPOSALS: Record<ProposalRule, (ctx: ProposalContext) => Proposal> = {
  "healthiest-other-provider": ({ known, telemetry }) => {
    const failed = known.provider?.toLowerCase();
    const best = rankProviders(telemetry.providers.providers).find((p) => p.provider !== failed && p.status !== "down" && p.breaker !== "open");
    if (!best) return null;
    return { value: best.provider, detail: `healthiest provider${failed ? ` other than ${failed}` : ""} on the SLO panel (${best.status}, error rate ${(best.errorRate * 100).toFixed(1)} %)` };
  },
  "second-failed-provider": ({ known, telemetry }) => {
    const failed = known.provider?.toLowerCase();
    const worst = rankProviders(telemetry.providers.providers)
      .reverse()
      .find((p) => p.provider !== failed && (p.status === "down" || providerDegraded(p)));
    if (!worst) return null;
    return { value: worst.provider, detail: `${worst.status === "down" ? "down" : "degraded"} on the SLO panel${failed ? `, besides ${failed}` : ""}` };
  },
};

/** A label or annotation value usable as a parameter: trimmed text, not empty, not too long, no line breaks. */
function usable(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const v = value.trim();
  return v && v.length <= MAX_PREFILL_LENGTH && !/[\r\n]/.test(v) ? v : null;
}

/** The value an alert gives for a placeholder: a label first, then an annotation, by name or camelCase name. */
function fromAlert(name: string, alert: PrefillAlert): PrefillValue | null {
  for (const [kind, record] of [["label", alert.labels], ["annotation", alert.annotations]] as const) {
    for (const [key, raw] of Object.entries(record)) {
      const value = placeholderNameOf(key) === name ? usable(raw) : null;
      if (value) return { value, source: "alert", detail: `${kind} ${key} of ${alert.alertname}` };
    }
  }
  return null;
}

/**
 * The values proposed for a run of `runbook`: from the alerts (the earliest-starting alert that carries the name
 * wins), then from telemetry for the placeholders whose step names a proposal rule. Telemetry may be null (control
 * plane unreachable): then only the alerts' values are proposed.
 */
export function prefillFor(runbook: Pick<Runbook, "steps">, alerts: PrefillAlert[], telemetry: TelemetrySnapshot | null): Prefill {
  const names = [...new Set(runbook.steps.flatMap((s) => (s.action ? listPlaceholders(s.action.params) : [])))];
  const ordered = [...alerts].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const out: Prefill = {};
  for (const name of names) {
    for (const alert of ordered) {
      const found = fromAlert(name, alert);
      if (found) {
        out[name] = found;
        break;
      }
    }
  }
  if (!telemetry) return out;
  const known = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
  for (const step of runbook.steps) {
    for (const [name, rule] of Object.entries(step.propose ?? {})) {
      if (out[name]) continue;
      const proposal = PROPOSALS[rule]({ known, telemetry });
      if (proposal) out[name] = { ...proposal, source: "telemetry" };
    }
  }
  return out;
}

/** The earliest time any of the incident's alerts started: the run's clock counts from it. */
export function earliestStart(alerts: Pick<PrefillAlert, "startsAt">[], fallback: Date): Date {
  return alerts.reduce((min, a) => (a.startsAt < min ? a.startsAt : min), fallback);
}
