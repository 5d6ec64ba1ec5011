"use client";

import { Link } from "@/components/ui/link";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { OnboardingView as View } from "@/lib/data/onboarding";
import { onboardingQuery } from "@/lib/client/onboarding";
import { PHASE_LABELS } from "@/lib/onboarding/impact";
import type { StepStatus } from "@/lib/onboarding/progress";
import type { CriterionStatus } from "@/lib/onboarding/week-one";
import { paths } from "@/lib/paths";
import { approveOnboarding, confirmTraining, runFirstFlow, sendBackOnboarding, verifyTelemetry } from "@/lib/next/actions/onboarding";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { cx } from "../ui/cx";
import { FileCard } from "./file-panel";
import { ImpactPanel } from "./impact-panel";
import { OnboardingActionButton, OnboardingActionForm } from "./onboarding-action-form";
import { HeldCommand } from "../control-plane/held-command";
import { OnboardingStateBadge } from "./state-badge";
import { Breadcrumb } from "../ui/breadcrumb";

const STEP_ICON: Record<StepStatus, string> = { done: "✓", current: "●", waiting: "…", failed: "✕", ready: "↓", todo: "○" };
const STEP_TONE: Record<StepStatus, string> = {
  done: "text-emerald-700 dark:text-emerald-300",
  current: "text-indigo-700 dark:text-indigo-300",
  waiting: "text-violet-700 dark:text-violet-300",
  failed: "text-red-700 dark:text-red-300",
  ready: "text-sky-700 dark:text-sky-300",
  todo: "text-zinc-500 dark:text-zinc-400",
};
const CRITERION_TONE: Record<CriterionStatus, "green" | "amber" | "red"> = { met: "green", pending: "amber", missed: "red" };

const when = (iso: string | null) => (iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "—");
const seconds = (ms: number | null) => (ms === null ? "—" : `${Math.round(ms / 1000)} s`);

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p id={id} className="mt-1 text-sm text-red-700 dark:text-red-300">
      {message}
    </p>
  ) : null;
}

/** The onboarding, live: progress through RB-LAUNCH-001, the SRE's review, generated files, first flow, week 1. */
export function OnboardingView({ initial }: { initial: View }) {
  const { data: o = initial, isError, error } = useQuery({ ...onboardingQuery(initial.id), initialData: initial });
  const { canReview, isRequester, approvalRefusal } = o.viewer;
  const approved = o.files !== null;
  const closed = o.state === "SUCCEEDED" || o.state === "NEEDS_ATTENTION";

  let firstFlow: ReactNode = null;
  if (o.state === "FIRST_FLOW_RUNNING") {
    firstFlow = o.liveFlow ? (
      <p data-testid="first-flow-status" data-status="running">
        Flow <span className="font-mono">{o.liveFlow.id}</span> running on {o.liveFlow.provider} ({o.liveFlow.model}): {seconds(o.liveFlow.durationMs)} so far, context{" "}
        {o.liveFlow.contextKb} KB.
      </p>
    ) : (
      <p data-testid="first-flow-status" data-status="starting">
        {o.firstFlowId ? `Flow ${o.firstFlowId} started; waiting for telemetry…` : "Asking the control plane to start the flow…"}
        {o.liveFlowError && <span className="block text-xs text-amber-700">Telemetry unavailable: {o.liveFlowError}</span>}
      </p>
    );
  } else if (o.firstFlowResult) {
    const r = o.firstFlowResult;
    firstFlow = r.passed ? (
      <p data-testid="first-flow-status" data-status="passed" className="font-medium text-emerald-700 dark:text-emerald-300">
        Passed: flow <span className="font-mono">{r.flowId}</span> succeeded with quality gates {r.qualityGatesPassed}/{r.qualityGatesTotal} in {seconds(r.durationMs)}.
      </p>
    ) : (
      <div data-testid="first-flow-status" data-status="failed" className="space-y-1">
        <p className="font-medium text-red-700 dark:text-red-300">
          Failed
          {r.flowId ? (
            <>
              : flow <span className="font-mono">{r.flowId}</span> {r.status}
            </>
          ) : null}
          , quality gates {r.qualityGatesPassed}/{r.qualityGatesTotal}
          {r.errorType ? ` (${r.errorType})` : ""}
          {r.error ? ` — ${r.error}` : ""}.
        </p>
        <Link href={r.flowId ? paths.runbookForFlow("RB-CORE-001", r.flowId) : paths.runbook("RB-CORE-001")} className="text-sm text-indigo-700 underline dark:text-indigo-300" data-testid="troubleshoot-link">
          Troubleshoot with RB-CORE-001 (Flow Failure Response)
        </Link>
      </div>
    );
  }

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
      <div className="min-w-0 space-y-4">
        <div>
          <Breadcrumb href={paths.onboarding()} parent="Onboarding">{o.repoName}</Breadcrumb>
          <div className="mt-1 flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight">Onboarding {o.repoName}</h1>
            <OnboardingStateBadge state={o.state} />
            <Badge tone="zinc">{PHASE_LABELS[o.targetPhase]}</Badge>
          </div>
          {isError && (
            <p role="status" className="mt-2 text-sm text-amber-700">
              Live updates paused: {(error as Error).message}.
            </p>
          )}
        </div>

        <ol className="grid gap-2 sm:grid-cols-4" data-testid="onboarding-steps" aria-label="Progress">
          {o.steps.map((s, i) => (
            <li key={s.id} data-testid={`progress-${s.id}`} data-status={s.status} className="rounded-md border border-zinc-200 bg-white p-2 text-xs dark:border-zinc-800 dark:bg-zinc-900">
              <p className={cx("font-semibold", STEP_TONE[s.status])}>
                <span aria-hidden="true">{STEP_ICON[s.status]}</span> {i + 1}. {s.title}
                <span className="sr-only"> ({s.status})</span>
              </p>
              <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">{s.detail}</p>
            </li>
          ))}
        </ol>

        {o.state === "REQUESTED" && o.impact && (
          <Card title={canReview ? "Review" : "Waiting for an SRE's review"}>
            <ImpactPanel impact={o.impact} />
            {canReview ? (
              <div className="mt-4 grid gap-4 sm:grid-cols-2">
                {approvalRefusal ? (
                  <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="approval-refusal">
                    {approvalRefusal}
                  </p>
                ) : (
                  <OnboardingActionForm action={approveOnboarding} onboardingId={o.id} testId="approve-form" className="space-y-2">
                    {(pending, fieldError) => (
                      <>
                        {o.impact?.needsAcknowledgement && (
                          <div>
                            <label className="flex items-start gap-2 text-sm">
                              <input type="checkbox" name="acknowledgeFlags" className="mt-0.5 rounded" aria-describedby="acknowledgeFlags-error" />
                              <span>I have read the flags above and approve anyway</span>
                            </label>
                            <FieldError id="acknowledgeFlags-error" message={fieldError("acknowledgeFlags")} />
                          </div>
                        )}
                        <label className="block text-sm">
                          Note (optional)
                          <textarea name="note" rows={2} className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950" />
                        </label>
                        <Button type="submit" disabled={pending}>
                          {pending ? "Approving…" : "Approve and allowlist"}
                        </Button>
                      </>
                    )}
                  </OnboardingActionForm>
                )}
                <OnboardingActionForm action={sendBackOnboarding} onboardingId={o.id} testId="send-back-form" className="space-y-2">
                  {(pending, fieldError) => (
                    <>
                      <label className="block text-sm" htmlFor="send-back-reason">
                        Reason for sending back
                      </label>
                      <textarea
                        id="send-back-reason"
                        name="reason"
                        rows={3}
                        aria-describedby="reason-error"
                        className="w-full rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950"
                      />
                      <FieldError id="reason-error" message={fieldError("reason")} />
                      <Button type="submit" variant="secondary" disabled={pending}>
                        Send back
                      </Button>
                    </>
                  )}
                </OnboardingActionForm>
              </div>
            ) : (
              <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">An SRE approves the request or sends it back with a reason. This page updates by itself.</p>
            )}
          </Card>
        )}

        {o.state === "CHANGES_REQUESTED" && (
          <Card title="Sent back">
            <p className="text-sm" data-testid="review-reason">
              {o.reviewedBy ?? "An SRE"} sent this request back: {o.reviewReason}
            </p>
            {isRequester && (
              <Link href={paths.onboardingNew(o.id)} className="mt-2 inline-block text-sm text-indigo-700 underline dark:text-indigo-300">
                Submit a corrected request
              </Link>
            )}
          </Card>
        )}

        {approved && (
          <Card title="Registration and allowlist">
            <p className="text-sm" data-testid="allowlist-status" data-state={o.allowlistCommand?.state ?? "none"}>
              {o.allowlistCommand?.state === "SUCCEEDED"
                ? `Registered and on the allowlist at ${PHASE_LABELS[o.targetPhase]} with the $5/day cap.${o.allowlistCommand.summary ? ` Control plane: ${o.allowlistCommand.summary}` : ""}`
                : o.allowlistCommand?.state === "FAILED"
                  ? `The control plane refused the allowlist change: ${o.allowlistCommand.lastError ?? "unknown error"}`
                  : o.allowlistCommand?.state === "NEEDS_DECISION"
                    ? "The allowlist change is held for a decision."
                    : `Approved by ${o.reviewedBy ?? "an SRE"}; the allowlist change is on its way to the control plane${o.allowlistCommand?.lastError ? ` (${o.allowlistCommand.lastError})` : ""}.`}
            </p>
            {o.allowlistCommand?.state === "NEEDS_DECISION" && <HeldCommand command={o.allowlistCommand} queryKey={["onboarding", o.id]} mayDecide={canReview} />}
            {o.allowlistCommand?.state === "FAILED" && canReview && !approvalRefusal && o.state === "APPROVED" && (
              <OnboardingActionButton action={approveOnboarding} onboardingId={o.id} className="mt-2" variant="secondary">
                Send the allowlist change again
              </OnboardingActionButton>
            )}
          </Card>
        )}

        {o.files && (
          <FileCard title="CI/CD integration" file={o.files.workflow} href={paths.api.onboardingWorkflow(o.id)} testId="workflow-file">
            Add this workflow to the repo as <code>.github/workflows/orchestrator.yml</code>. It references the organisation secret <code>ORCHESTRATOR_TOKEN</code>{" "}
            and the variable <code>ORCHESTRATOR_URL</code>; no key ever goes in the repo.
          </FileCard>
        )}

        {approved && (
          <Card title="First flow">
            <div className="space-y-3 text-sm" data-testid="first-flow">
              {o.state === "APPROVED" && <p>The first flow can run once the repo is on the allowlist.</p>}
              {o.state === "FIRST_FLOW_RUNNING" && o.firstFlowCommand?.state === "NEEDS_DECISION" && (
                <HeldCommand command={o.firstFlowCommand} queryKey={["onboarding", o.id]} mayDecide={canReview} />
              )}
              {firstFlow}
              {(o.state === "ALLOWLISTED" || o.state === "FIRST_FLOW_FAILED") && (isRequester || canReview) && (
                <OnboardingActionButton action={runFirstFlow} onboardingId={o.id}>
                  {o.state === "FIRST_FLOW_FAILED" ? "Run the first flow again" : "Run the first flow"}
                </OnboardingActionButton>
              )}
            </div>
          </Card>
        )}

        {approved && (
          <Card title="Telemetry validation">
            <div className="space-y-2 text-sm" data-testid="telemetry">
              {o.telemetryVerifiedAt ? (
                <p data-testid="telemetry-status" data-status="verified" className="font-medium text-emerald-700 dark:text-emerald-300">
                  Telemetry verified: {o.repoName}&apos;s flows appear in telemetry ({when(o.telemetryVerifiedAt)}).
                </p>
              ) : (
                <p data-testid="telemetry-status" data-status="unverified">
                  Not verified yet. After the first flow, check that the repo&apos;s flows appear in telemetry.
                </p>
              )}
              {!o.telemetryVerifiedAt && o.firstFlowId && o.state !== "FIRST_FLOW_RUNNING" && !closed && (isRequester || canReview) && (
                <OnboardingActionButton action={verifyTelemetry} onboardingId={o.id} variant="secondary">
                  Check telemetry
                </OnboardingActionButton>
              )}
            </div>
          </Card>
        )}

        {o.files && (
          <FileCard title="Monitoring alerts" file={o.files.alertRules} href={paths.api.onboardingAlertRules(o.id)} testId="alert-rules-file">
            Prometheus alert rules for {o.repoName}; each carries the <code>runbook</code> label of the runbook to follow.
          </FileCard>
        )}

        {approved && (
          <Card title="Week 1: success criteria">
            <ul className="space-y-2 text-sm" data-testid="success-criteria">
              {o.weekOne.criteria.map((c) => (
                <li key={c.id} data-criterion={c.id} data-status={c.status} className="flex flex-wrap items-baseline gap-2">
                  <Badge tone={CRITERION_TONE[c.status]}>{c.status}</Badge>
                  <span className="font-medium">{c.label}</span>
                  <span className="text-xs text-zinc-500">{c.detail}</span>
                </li>
              ))}
            </ul>
            <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400" data-testid="week-one-status">
              {closed
                ? `Closed ${when(o.closedAt)} as ${o.state === "SUCCEEDED" ? "succeeded" : `needing attention: ${o.weekOne.missing.join("; ")}`}.`
                : `Open until ${when(o.closesAt)}; then it closes as succeeded, or flags what is missing.`}
            </p>
            {isRequester && !o.ownerTrainedAt && !closed && (
              <OnboardingActionButton action={confirmTraining} onboardingId={o.id} className="mt-3" variant="secondary">
                I completed the troubleshooting training
              </OnboardingActionButton>
            )}
          </Card>
        )}
      </div>

      <aside className="space-y-4">
        <Card title="Request">
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="request-details">
            <dt className="text-zinc-500">Repo</dt>
            <dd className="break-all">
              <a href={o.repoUrl} rel="noreferrer noopener" target="_blank" className="text-indigo-700 hover:underline dark:text-indigo-300">
                {o.repoUrl}
              </a>
            </dd>
            <dt className="text-zinc-500">Team</dt>
            <dd>{o.team}</dd>
            <dt className="text-zinc-500">Owners</dt>
            <dd className="break-all">{o.ownerContacts.join(", ")}</dd>
            <dt className="text-zinc-500">Alerts to</dt>
            <dd className="break-all">{o.alertContacts.join(", ")}</dd>
            <dt className="text-zinc-500">Flows/day</dt>
            <dd>{o.expectedFlowsPerDay}</dd>
            <dt className="text-zinc-500">Spend/day</dt>
            <dd>${o.estimatedDailySpendUsd.toFixed(2)}</dd>
            <dt className="text-zinc-500">Requested</dt>
            <dd>
              {o.requestedBy.name}, {when(o.createdAt)}
            </dd>
            {o.approvedAt && (
              <>
                <dt className="text-zinc-500">Approved</dt>
                <dd>
                  {o.reviewedBy}, {when(o.approvedAt)}
                </dd>
              </>
            )}
          </dl>
          <ul className="mt-3 space-y-1 text-xs">
            <li>{o.checklist.trainingCompleted ? "✓" : "✕"} Training completed</li>
            <li>{o.checklist.cicdReady ? "✓" : "✕"} CI/CD ready</li>
            <li>{o.checklist.apiAccessRequested ? "✓" : "✕"} API access requested</li>
          </ul>
        </Card>
      </aside>
    </div>
  );
}
