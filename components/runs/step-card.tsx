"use client";

import type { Me } from "@/lib/client/me";
import type { RunView, StepView } from "@/lib/data/run-view";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { can, holdsOneOf, mayWorkOnRun } from "@/lib/auth/permissions";
import { approveStep, decideStep, requestStep, signStep, skipStep, addEvidence } from "@/lib/next/actions/runs";
import { paths } from "@/lib/paths";
import { PREFILL_LABELS, type PrefillValue } from "@/lib/runs/prefill-values";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { cx } from "../ui/cx";
import { ActionForm } from "../ui/action-form";
import { HeldCommand } from "../control-plane/held-command";

const STATUS: Record<StepView["status"], { label: string; tone: "zinc" | "blue" | "green" | "amber" | "red" | "violet" }> = {
  PENDING: { label: "to do", tone: "zinc" },
  AWAITING_SIGNATURES: { label: "awaiting approvals", tone: "amber" },
  COMMAND_SENT: { label: "command in flight", tone: "blue" },
  WAITING_CHILD: { label: "child run open", tone: "blue" },
  DONE: { label: "done", tone: "green" },
  SKIPPED: { label: "skipped", tone: "violet" },
  NOT_APPLICABLE: { label: "not applicable", tone: "zinc" },
  FAILED: { label: "command failed", tone: "red" },
  NEEDS_DECISION: { label: "needs a decision", tone: "amber" },
};

const COMMAND_TONE: Record<string, "zinc" | "blue" | "green" | "red" | "amber"> = { PENDING: "zinc", SENDING: "blue", SUCCEEDED: "green", FAILED: "red", NEEDS_DECISION: "amber" };

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";

function CommandState({ command }: { command: NonNullable<StepView["command"]> }) {
  return (
    <div data-testid="command-state" className="mt-2 rounded-md border border-zinc-200 p-2 text-sm dark:border-zinc-800">
      <span className="font-mono text-xs">{command.action}</span>{" "}
      <Badge tone={COMMAND_TONE[command.state] ?? "zinc"}>{command.state.toLowerCase().replace("_", " ")}</Badge>
      {command.attempts > 0 && <span className="ml-2 text-xs text-zinc-500">{command.attempts} attempt{command.attempts === 1 ? "" : "s"}</span>}
      {command.lastError && command.state !== "NEEDS_DECISION" && <p className="mt-1 text-xs break-words text-red-700 dark:text-red-300">{command.lastError}</p>}
    </div>
  );
}

/** "from alert" or "proposed from telemetry", with where the value came from in the tooltip. */
function PrefillMark({ value, testId }: { value: PrefillValue; testId?: string }) {
  return (
    <span data-testid={testId} title={value.detail} className={cx("ml-1 rounded px-1 text-[10px] font-medium", value.source === "alert" ? "bg-amber-100 text-amber-900 dark:bg-amber-500/15 dark:text-amber-200" : "bg-sky-100 text-sky-900 dark:bg-sky-500/15 dark:text-sky-200")}>
      {PREFILL_LABELS[value.source]}
    </span>
  );
}

/** The step's parameters, filled with the values proposed for the run; whatever the fields hold is what is sent (and signed). */
function ParamInputs({ run, step, fieldError }: { run: RunView; step: StepView; fieldError: (n: string) => string | undefined }) {
  if (step.placeholders.length === 0) return null;
  return (
    <div className="grid gap-2 sm:grid-cols-2">
      {step.placeholders.map((p) => {
        const proposed = run.prefill[p];
        const describedBy = [fieldError(`values.${p}`) && `${step.id}-${p}-err`, proposed && `${step.id}-${p}-source`].filter(Boolean).join(" ");
        return (
          <label key={p} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
            {p}
            {proposed && (
              <span id={`${step.id}-${p}-source`}>
                <PrefillMark value={proposed} testId={`prefill-source-${p}`} />
              </span>
            )}
            <input
              name={`param.${p}`}
              required
              defaultValue={proposed?.value}
              className={field}
              placeholder={p.endsWith("s") ? "comma-separated" : ""}
              aria-describedby={describedBy || undefined}
            />
            {fieldError(`values.${p}`) && <span id={`${step.id}-${p}-err`} className="text-red-700">{fieldError(`values.${p}`)}</span>}
          </label>
        );
      })}
    </div>
  );
}

/** One step of a run: what to do, who may sign, and (when it is the current step) the controls to do it. */
export function StepCard({ run, step, me }: { run: RunView; step: StepView; me: Me | null }) {
  const isCurrent = run.currentStepId === step.id;
  const mayAct = can(me, "run.step.signoff") && holdsOneOf(me, step.signoff);
  const maySkip = can(me, "run.step.skip");
  // Evidence: anyone who signs one of this run's steps, or may manage any run (the server checks the same function).
  const mayAddEvidence = mayWorkOnRun(me, run.signOffRoles);
  const status = STATUS[step.status];
  const roles = step.signoff.map((r) => ROLE_LABELS[r]).join(" or ");
  return (
    <li
      id={`step-${step.id}`}
      data-testid={`step-${step.id}`}
      aria-current={isCurrent ? "step" : undefined}
      className={cx(
        "render-when-near rounded-lg border bg-white p-4 [--near-height:160px] dark:bg-zinc-900",
        isCurrent ? "border-indigo-400 ring-2 ring-indigo-200 dark:ring-indigo-900" : "border-zinc-200 dark:border-zinc-800",
        !isCurrent && ["DONE", "SKIPPED", "NOT_APPLICABLE"].includes(step.status) && "opacity-80",
      )}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="grid h-6 w-6 place-items-center rounded-full bg-zinc-900 text-xs font-semibold text-white dark:bg-zinc-100 dark:text-zinc-900">{step.number}</span>
        <h3 className="font-semibold">{step.title}</h3>
        <Badge tone={status.tone}>{status.label}</Badge>
        {step.twoPerson && <Badge tone="red">two-person rule</Badge>}
        <span className="ml-auto text-xs text-zinc-500">
          ~{step.minutes} min · {roles}
        </span>
      </div>

      {step.completedBy && step.status === "DONE" && (
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          {step.decision ? `Decided ${step.decision.outcome === "GO" ? "GO" : "NO-GO"} by ${step.decision.by}: ${step.decision.reason}` : `Signed off by ${step.approvals.map((a) => a.name).join(" and ") || step.completedBy}`}
          {step.notes ? ` — “${step.notes}”` : ""}
        </p>
      )}
      {step.status === "SKIPPED" && <p className="mt-1 text-xs text-violet-700 dark:text-violet-300">Skipped by {step.completedBy}: {step.skipReason}</p>}
      {step.child && (
        <p className="mt-1 text-sm">
          Child run:{" "}
          <a href={paths.run(step.child.id)} className="text-indigo-700 underline dark:text-indigo-300">
            {step.child.runbookId}
          </a>{" "}
          <Badge tone={step.child.status === "IN_PROGRESS" ? "blue" : "green"}>{step.child.status.replace("_", " ").toLowerCase()}</Badge>
        </p>
      )}
      {step.command && <CommandState command={step.command} />}
      {step.command?.state === "NEEDS_DECISION" && (
        <HeldCommand command={step.command} queryKey={["run", run.id]} mayDecide={isCurrent && (mayAct || can(me, "run.manage.any"))} />
      )}

      {(isCurrent || step.status === "PENDING") && step.action && (
        <p className="mt-2 font-mono text-xs text-sky-800 dark:text-sky-300">
          {step.action.name} {JSON.stringify(step.request?.params ?? step.action.params)}
        </p>
      )}
      {step.status === "PENDING" && !step.request && step.placeholders.some((p) => run.prefill[p]) && (
        <p className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid={`prefill-${step.id}`}>
          {step.placeholders
            .filter((p) => run.prefill[p])
            .map((p) => (
              <span key={p}>
                {p} = <span className="font-mono">{run.prefill[p].value}</span>
                <PrefillMark value={run.prefill[p]} />
              </span>
            ))}
        </p>
      )}

      {isCurrent && (
        <>
          <div className="prose-runbook mt-2 text-sm" dangerouslySetInnerHTML={{ __html: step.instructionsHtml }} />
          {!mayAct && !maySkip && step.status !== "NEEDS_DECISION" && <p className="mt-3 text-sm text-zinc-500">Waiting for {roles} to sign off this step.</p>}
          {mayAct && <CurrentStepControls run={run} step={step} me={me!} />}
          {maySkip && (
            <details className="mt-3">
              <summary className="cursor-pointer text-sm text-zinc-600 dark:text-zinc-400">Skip this step (incident commander)</summary>
              <ActionForm action={skipStep} runId={run.id} stepId={step.id} className="mt-2 flex flex-col gap-2">
                {(pending, err) => (
                  <>
                    <label className="text-xs font-medium">
                      Reason for skipping
                      <textarea name="reason" required minLength={3} className={field} rows={2} />
                      {err("reason") && <span className="text-red-700">{err("reason")}</span>}
                    </label>
                    <Button type="submit" variant="secondary" disabled={pending} className="self-start">
                      Skip step {step.number}
                    </Button>
                  </>
                )}
              </ActionForm>
            </details>
          )}
          {mayAddEvidence && (
            <details className="mt-2">
              <summary className="cursor-pointer text-sm text-zinc-600 dark:text-zinc-400">Add evidence ({step.evidence.length})</summary>
              <ActionForm action={addEvidence} runId={run.id} stepId={step.id} className="mt-2 grid gap-2 sm:grid-cols-[2fr_1fr_auto]">
                {(pending, err) => (
                  <>
                    <input name="text" placeholder="What it shows" className={field} required aria-label="Evidence" />
                    <input name="url" placeholder="https://… (optional)" className={field} aria-label="Link" />
                    <Button type="submit" variant="secondary" disabled={pending}>
                      Add
                    </Button>
                    {err("url") && <span className="text-xs text-red-700">{err("url")}</span>}
                  </>
                )}
              </ActionForm>
            </details>
          )}
        </>
      )}
      {step.evidence.length > 0 && (
        <ul className="mt-2 space-y-1 text-xs text-zinc-600 dark:text-zinc-400">
          {step.evidence.map((e, i) => (
            <li key={i}>
              {e.text}
              {e.url && (
                <>
                  {" "}
                  <a href={e.url} rel="noreferrer noopener" target="_blank" className="underline">
                    link
                  </a>
                </>
              )}{" "}
              — {e.by}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function CurrentStepControls({ run, step, me }: { run: RunView; step: StepView; me: Me }) {
  // A command on its way or held for a decision: nothing to send until it answers or someone decides (HeldCommand).
  if (step.status === "COMMAND_SENT") {
    return (
      <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="command-on-its-way">
        The command is on its way to the control plane; this step is done when the control plane applies it.
      </p>
    );
  }
  if (step.status === "NEEDS_DECISION") return null;
  if (step.kind === "decision" && step.criteria) {
    return (
      <ActionForm action={decideStep} runId={run.id} stepId={step.id} className="mt-3 space-y-3" testId="decision-form">
        {(pending, err) => (
          <>
            <div className="grid gap-4 sm:grid-cols-2">
              {(["go", "noGo"] as const).map((side) => (
                <fieldset key={side} className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
                  <legend className={cx("px-1 text-xs font-semibold uppercase", side === "go" ? "text-red-700 dark:text-red-300" : "text-emerald-700 dark:text-emerald-300")}>
                    {side === "go" ? "GO if any holds" : "NO-GO if all hold"}
                  </legend>
                  {step.criteria![side].map((c) => (
                    <label key={c.id} className="flex items-start gap-2 py-1 text-sm">
                      <input type="checkbox" name="checked" value={c.id} className="mt-1" />
                      <span>
                        {c.label}
                        {step.live[c.id] && <span className="block text-xs text-zinc-500" data-testid={`live-${c.id}`}>Now: {step.live[c.id].display}</span>}
                      </span>
                    </label>
                  ))}
                </fieldset>
              ))}
            </div>
            <label className="block text-xs font-medium">
              Reason
              <textarea name="reason" required minLength={3} rows={2} className={field} aria-describedby={err("reason") ? `${step.id}-reason-err` : undefined} />
              {err("reason") && <span id={`${step.id}-reason-err`} className="text-red-700">{err("reason")}</span>}
            </label>
            <div className="flex gap-2">
              <Button type="submit" name="outcome" value="GO" variant="danger" disabled={pending}>
                GO
              </Button>
              <Button type="submit" name="outcome" value="NO_GO" variant="secondary" disabled={pending}>
                NO-GO
              </Button>
            </div>
          </>
        )}
      </ActionForm>
    );
  }

  if (step.twoPerson && step.status === "AWAITING_SIGNATURES" && step.requestHash) {
    // The same approval state the engine enforces (approvalState in lib/runs/machine.ts), computed by the run view.
    const disqualified = step.approval?.disqualified ?? [];
    const mine = disqualified.find((d) => d.personId === me.id);
    const approved = step.approvals.some((a) => a.personId === me.id);
    return (
      <div className="mt-3 space-y-2" data-testid="two-person">
        <p className="text-sm">
          Requested by <strong>{step.requestedBy}</strong>: <span className="font-mono text-xs">{JSON.stringify(step.request?.params ?? {})}</span>
        </p>
        <p className="text-sm" data-testid="approval-count">
          Approvals: {step.approvals.length} of {step.requiredApprovals}
          {step.approvals.length > 0 && ` (${step.approvals.map((a) => a.name).join(", ")})`}
          {step.voidedApprovals > 0 && <span className="text-xs text-amber-700"> · {step.voidedApprovals} voided by a later request</span>}
        </p>
        {disqualified.length > 0 && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="disqualified">
            Cannot approve, having requested this step in this run: {disqualified.map((d) => d.personName ?? "the requester").join(", ")}
          </p>
        )}
        <p className="font-mono text-[10px] text-zinc-500">request {step.requestHash.slice(0, 16)}</p>
        {mine ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">{mine.message}</p>
        ) : approved ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">You approved this request; waiting for a second person.</p>
        ) : null}
        <ActionForm action={approveStep} runId={run.id} stepId={step.id}>
          {(pending) => (
            <>
              <input type="hidden" name="requestHash" value={step.requestHash!} />
              <Button type="submit" variant="danger" disabled={pending}>
                Approve this exact request
              </Button>
            </>
          )}
        </ActionForm>
        {step.placeholders.length > 0 && (
          <details>
            <summary className="cursor-pointer text-sm text-zinc-600 dark:text-zinc-400">Change the parameters (voids the approvals; you then cannot approve)</summary>
            <RequestForm run={run} step={step} label="Request with new parameters" />
          </details>
        )}
      </div>
    );
  }

  if (step.action || step.twoPerson) {
    return <RequestForm run={run} step={step} label={step.twoPerson ? "Request (needs two approvals)" : step.status === "FAILED" ? "Send the command again" : "Send command"} />;
  }

  return (
    <ActionForm action={signStep} runId={run.id} stepId={step.id} className="mt-3 space-y-2">
      {(pending, err) => (
        <>
          <label className="block text-xs font-medium">
            Notes (optional)
            <textarea name="notes" rows={2} className={field} />
            {err("notes") && <span className="text-red-700">{err("notes")}</span>}
          </label>
          <Button type="submit" disabled={pending}>
            {step.kind === "link" ? `Open ${step.link} as a child run` : `Sign off step ${step.number}`}
          </Button>
        </>
      )}
    </ActionForm>
  );
}

function RequestForm({ run, step, label }: { run: RunView; step: StepView; label: string }) {
  return (
    <ActionForm action={requestStep} runId={run.id} stepId={step.id} className="mt-3 space-y-2">
      {(pending, err) => (
        <>
          <ParamInputs run={run} step={step} fieldError={err} />
          <Button type="submit" variant={step.twoPerson ? "danger" : "primary"} disabled={pending}>
            {label}
          </Button>
        </>
      )}
    </ActionForm>
  );
}
