import type { ReviewImpact } from "@/lib/onboarding/impact";
import { PHASE_LABELS } from "@/lib/onboarding/impact";
import { cx } from "../ui/cx";

const usd = (n: number | null) => (n === null ? "unknown" : `$${n.toFixed(2)}`);

function Row({ label, value, bad }: { label: string; value: string; bad?: boolean | null }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className={cx("font-medium", bad === true && "text-red-700 dark:text-red-300", bad === false && "text-emerald-700 dark:text-emerald-300")}>{value}</dd>
    </>
  );
}

/** Budget and capacity impact of onboarding the repo, with the flags an approver must acknowledge. */
export function ImpactPanel({ impact }: { impact: ReviewImpact }) {
  const { budget, capacity } = impact;
  const phase = PHASE_LABELS[budget.phase];
  const f = capacity.footprint;
  return (
    <div className="grid gap-4 sm:grid-cols-2" data-testid="impact-panel">
      <section data-testid="budget-impact">
        <h3 className="mb-2 text-sm font-semibold">Budget impact ({phase})</h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <Row label="This repo" value={`${usd(budget.estimateUsd)}/day (limit ${usd(budget.limits.repoUsd)})`} bad={budget.repoOverLimit} />
          <Row label="Typical spend now" value={budget.currentUsd === null ? "unknown" : `${usd(budget.currentUsd)}/day`} />
          <Row label="Projected" value={`${usd(budget.projectedUsd)}/day`} bad={budget.level === "over-soft" || budget.level === "over-hard"} />
          <Row label="Target · soft · hard" value={`${usd(budget.limits.targetUsd)} · ${usd(budget.limits.softUsd)} · ${usd(budget.limits.hardUsd)}`} />
        </dl>
        <ul className="mt-2 space-y-1 text-xs text-zinc-600 dark:text-zinc-400">
          {budget.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </section>
      <section data-testid="capacity-impact">
        <h3 className="mb-2 text-sm font-semibold">Capacity impact ({phase})</h3>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <Row label="Allowlisted repos" value={`${capacity.reposBefore} → ${capacity.reposAfter} (planned ${capacity.planned.reposLabel})`} bad={!capacity.withinRepoLimit} />
          <Row label="On the control plane" value={capacity.controlPlaneRepos === null ? "unknown" : `${capacity.controlPlaneRepos} repos allowlisted`} />
          <Row
            label="FlowEngine HPA"
            value={f ? `${f.hpaMin}–${f.hpaMax} replicas, ${f.replicas} now (needs ${capacity.planned.hpaMin}–${capacity.planned.hpaMax})` : "unknown"}
            bad={capacity.flowEngineOk === null ? null : !capacity.flowEngineOk}
          />
          <Row label="DB pool" value={f ? `${f.dbPoolSize} (needs ${capacity.planned.dbPool})` : "unknown"} bad={capacity.dbPoolOk === null ? null : !capacity.dbPoolOk} />
        </dl>
        <ul className="mt-2 space-y-1 text-xs text-zinc-600 dark:text-zinc-400">
          {capacity.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </section>
      {impact.flags.length > 0 && (
        <ul className="space-y-1 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 sm:col-span-2 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100" data-testid="impact-flags">
          {impact.flags.map((flag) => (
            <li key={flag}>⚠ {flag}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
