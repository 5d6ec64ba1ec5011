import type { RunbookStep } from "@/lib/runbooks";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { Badge } from "../ui/badge";

const KIND_LABEL: Record<RunbookStep["kind"], string> = {
  task: "Task",
  decision: "Go / No-go",
  action: "Control-plane action",
  verification: "Verification",
  escalation: "Escalation",
  link: "Linked runbook",
};

/** The procedure as a readable ordered list: per step who signs it off, its kind, its action and criteria. */
export function StepList({ steps, currentStepId }: { steps: RunbookStep[]; currentStepId?: string }) {
  return (
    <ol className="space-y-4">
      {steps.map((s) => (
        <li
          key={s.id}
          id={`step-${s.id}`}
          aria-current={s.id === currentStepId ? "step" : undefined}
          className={`rounded-lg border p-4 ${s.id === currentStepId ? "border-indigo-400 ring-2 ring-indigo-200 dark:ring-indigo-900" : "border-zinc-200 dark:border-zinc-800"} bg-white dark:bg-zinc-900`}
        >
          <div className="flex flex-wrap items-center gap-2">
            <span className="grid h-6 w-6 place-items-center rounded-full bg-zinc-900 text-xs font-semibold text-white dark:bg-zinc-100 dark:text-zinc-900">{s.number}</span>
            <h3 className="font-semibold">{s.title}</h3>
            <Badge tone={s.kind === "decision" ? "violet" : s.kind === "action" ? "blue" : "zinc"}>{KIND_LABEL[s.kind]}</Badge>
            {s.twoPerson && <Badge tone="red">Two-person rule</Badge>}
            <span className="ml-auto text-xs text-zinc-500">~{s.minutes} min</span>
          </div>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            Signed off by: {s.signoff.map((r) => ROLE_LABELS[r]).join(" or ")}
            {s.link && <> · opens {s.link}</>}
          </p>
          {s.action && (
            <p className="mt-2 font-mono text-xs text-sky-800 dark:text-sky-300">
              {s.action.name} {JSON.stringify(s.action.params)}
            </p>
          )}
          <div className="prose-runbook mt-2 text-sm" dangerouslySetInnerHTML={{ __html: s.instructionsHtml }} />
          {s.criteria && (
            <div className="mt-3 grid gap-3 sm:grid-cols-2">
              <div>
                <h4 className="text-xs font-semibold uppercase tracking-wide text-red-700 dark:text-red-300">GO if any</h4>
                <ul className="mt-1 list-disc pl-5 text-sm">{s.criteria.go.map((c) => <li key={c.id}>{c.label}</li>)}</ul>
              </div>
              <div>
                <h4 className="text-xs font-semibold uppercase tracking-wide text-emerald-700 dark:text-emerald-300">NO-GO if all</h4>
                <ul className="mt-1 list-disc pl-5 text-sm">{s.criteria.noGo.map((c) => <li key={c.id}>{c.label}</li>)}</ul>
              </div>
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}
