"use client";

import { startTransition, useActionState, useRef, useState, type FormEvent, type ReactNode } from "react";
import { useAdoptTypedValue } from "@/lib/client/typed-before-hydration";
import { requestOnboarding } from "@/lib/next/actions/onboarding";
import type { ActionResult } from "@/lib/actions/result";
import { PHASE_BUDGETS, PHASE_CAPACITY, PHASE_LABELS, ONBOARDING_PHASES, REPO_DAILY_LIMIT_USD, type OnboardingPhase } from "@/lib/onboarding/impact";
import { onboardingRequestSchema, REQUEST_FIELDS } from "@/lib/validation/onboarding";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";

export type RequestFormDefaults = Partial<{
  repoName: string;
  repoUrl: string;
  team: string;
  ownerContacts: string;
  alertContacts: string;
  targetPhase: OnboardingPhase;
  expectedFlowsPerDay: string;
  estimatedDailySpendUsd: string;
}>;

type Errors = Record<string, string[]>;

const inputClass = (invalid: boolean) =>
  cx(
    "mt-1 block w-full rounded-md border px-2.5 py-1.5 text-sm dark:bg-zinc-950",
    invalid ? "border-red-500 ring-1 ring-red-500" : "border-zinc-300 dark:border-zinc-700",
  );

/** Groups issue paths ("ownerContacts.0") under their field. */
function byField(errors: Record<string, string[]> | undefined): Errors {
  const out: Errors = {};
  for (const [key, messages] of Object.entries(errors ?? {})) (out[key.split(".")[0]] ??= []).push(...messages);
  return out;
}

function formObject(form: HTMLFormElement): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === "string") out[k] = v;
  return out;
}

/**
 * The onboarding request. Checked in the browser with the same schema the server uses (every error under its
 * field), then sent; the server checks again and refuses duplicates. The submission key makes a double submit
 * create one request.
 */
export function RequestForm({ submissionKey, defaults = {} }: { submissionKey: string; defaults?: RequestFormDefaults }) {
  const [state, formAction, pending] = useActionState<ActionResult<unknown> | null, FormData>(requestOnboarding, null);
  const [clientErrors, setClientErrors] = useState<Errors | null>(null);
  const [phase, setPhase] = useState<OnboardingPhase>(defaults.targetPhase ?? "PHASE_6");
  const formRef = useRef<HTMLFormElement>(null);
  const phaseField = useRef<HTMLSelectElement>(null);
  useAdoptTypedValue(() => phaseField.current?.value, phase, (v) => setPhase(v as OnboardingPhase));
  const serverErrors = state && !state.ok ? byField(state.fieldErrors) : {};
  const errors = clientErrors ?? serverErrors;
  const hasErrors = Object.keys(errors).length > 0;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const parsed = onboardingRequestSchema.safeParse(formObject(form));
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) (found[String(issue.path[0] ?? "_form")] ??= []).push(issue.message);
      setClientErrors(found);
      const first = REQUEST_FIELDS.find((f) => found[f]);
      if (first) (form.elements.namedItem(first) as HTMLElement | null)?.focus?.();
      return;
    }
    setClientErrors(null);
    const data = new FormData(form);
    // Calling the action ourselves (not through the form's action) keeps what was typed if the server refuses it.
    startTransition(() => formAction(data));
  }

  const field = (name: string, label: string, hint: ReactNode, control: (aria: { id: string; name: string; "aria-invalid": boolean; "aria-describedby": string }) => ReactNode) => {
    const err = errors[name];
    const describedBy = [hint ? `${name}-hint` : null, err ? `${name}-error` : null].filter(Boolean).join(" ");
    return (
      <div>
        <label htmlFor={name} className="block text-sm font-medium">
          {label}
        </label>
        {control({ id: name, name, "aria-invalid": Boolean(err), "aria-describedby": describedBy })}
        {hint && (
          <p id={`${name}-hint`} className="mt-1 text-xs text-zinc-500">
            {hint}
          </p>
        )}
        {err && (
          <p id={`${name}-error`} data-testid={`error-${name}`} className="mt-1 text-sm text-red-700 dark:text-red-300">
            {err.join(" ")}
          </p>
        )}
      </div>
    );
  };

  const check = (name: string, label: string, hint: string) => {
    const err = errors[name];
    return (
      <div>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            id={name}
            name={name}
            className="mt-0.5 rounded"
            aria-invalid={Boolean(err)}
            aria-describedby={[`${name}-hint`, err ? `${name}-error` : null].filter(Boolean).join(" ")}
          />
          <span>
            <span className="font-medium">{label}</span>
            <span id={`${name}-hint`} className="block text-xs text-zinc-500">
              {hint}
            </span>
          </span>
        </label>
        {err && (
          <p id={`${name}-error`} data-testid={`error-${name}`} className="mt-1 text-sm text-red-700 dark:text-red-300">
            {err.join(" ")}
          </p>
        )}
      </div>
    );
  };

  const budget = PHASE_BUDGETS[phase];
  const capacity = PHASE_CAPACITY[phase];

  return (
    <form ref={formRef} action={formAction} onSubmit={onSubmit} noValidate className="space-y-6" data-testid="onboarding-request-form">
      <input type="hidden" name="submissionKey" value={submissionKey} />
      {hasErrors && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {Object.keys(errors).length === 1 ? "One field needs attention." : `${Object.keys(errors).length} fields need attention.`} Each problem is shown under its field.
        </p>
      )}
      {!hasErrors && state && !state.ok && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          {state.message}
          {state.correlationId && <span className="block font-mono text-xs">Reference: {state.correlationId}</span>}
        </p>
      )}

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Repository</legend>
        {field("repoName", "Repository name", "As the orchestrator will know it, e.g. payments-api.", (a) => (
          <input {...a} type="text" autoComplete="off" defaultValue={defaults.repoName} className={inputClass(a["aria-invalid"])} />
        ))}
        {field("repoUrl", "Repository URL", "https://… (no credentials in the URL).", (a) => (
          <input {...a} type="url" inputMode="url" defaultValue={defaults.repoUrl} className={inputClass(a["aria-invalid"])} />
        ))}
        {field("team", "Team", null, (a) => <input {...a} type="text" defaultValue={defaults.team} className={inputClass(a["aria-invalid"])} />)}
        {field("ownerContacts", "Owner contacts", "Emails, #channels or @handles, separated by commas.", (a) => (
          <input {...a} type="text" defaultValue={defaults.ownerContacts} className={inputClass(a["aria-invalid"])} />
        ))}
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold">Phase, volume and budget</legend>
        {field("targetPhase", "Target phase", `${PHASE_LABELS[phase]}: capacity for ${capacity.reposLabel}.`, (a) => (
          <select {...a} ref={phaseField} value={phase} onChange={(e) => setPhase(e.target.value as OnboardingPhase)} className={inputClass(a["aria-invalid"])}>
            {ONBOARDING_PHASES.map((p) => (
              <option key={p} value={p}>
                {PHASE_LABELS[p]}
              </option>
            ))}
          </select>
        ))}
        {field("expectedFlowsPerDay", "Expected flows per day", null, (a) => (
          <input {...a} type="number" min={1} step={1} inputMode="numeric" defaultValue={defaults.expectedFlowsPerDay} className={inputClass(a["aria-invalid"])} />
        ))}
        {field(
          "estimatedDailySpendUsd",
          "Estimated daily spend (USD)",
          `Limit $${REPO_DAILY_LIMIT_USD}/day per repo; ${PHASE_LABELS[phase]} target $${budget.targetUsd}, soft limit $${budget.softUsd} for all repos.`,
          (a) => <input {...a} type="number" step="0.01" inputMode="decimal" defaultValue={defaults.estimatedDailySpendUsd} className={inputClass(a["aria-invalid"])} />,
        )}
      </fieldset>

      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">Alerts</legend>
        {field("alertContacts", "Alert contacts", "Who the repo's alerts reach besides #ops-alerts: emails, #channels or @handles.", (a) => (
          <input {...a} type="text" defaultValue={defaults.alertContacts} className={inputClass(a["aria-invalid"])} />
        ))}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="mb-2 text-sm font-semibold">Pre-onboarding checklist</legend>
        {check("trainingCompleted", "Training completed", "Module 4 (Runbooks & Rollback) and Module 5 (Metrics & Dashboards).")}
        {check("cicdReady", "CI/CD ready", "The repo builds on GitHub Actions and you can merge workflow changes.")}
        {check("apiAccessRequested", "API access requested", "Orchestrator access requested for the repo's CI. Keys are provisioned by the control plane: never paste one anywhere.")}
      </fieldset>

      <Button type="submit" disabled={pending}>
        {pending ? "Submitting…" : "Submit request"}
      </Button>
    </form>
  );
}
