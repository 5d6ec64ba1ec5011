"use client";

import { Link } from "@/components/ui/link";
import { useQuery } from "@tanstack/react-query";
import type { RunView as RunViewData } from "@/lib/data/run-view";
import type { Me } from "@/lib/client/me";
import { runQuery } from "@/lib/client/run";
import { paths } from "@/lib/paths";
import { can, mayWorkOnRun } from "@/lib/auth/permissions";
import { abortRun, escalateRun } from "@/lib/next/actions/runs";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { SeverityBadge } from "../runbooks/severity-badge";
import { ActionForm } from "../ui/action-form";
import { RunClocks, useNow } from "./clocks";
import { StepCard } from "./step-card";
import { Breadcrumb } from "../ui/breadcrumb";
import { Time } from "../ui/time";

const STATUS_TONE = { IN_PROGRESS: "blue", COMPLETED: "green", ABORTED: "zinc", ROLLED_BACK: "orange" } as const;

/**
 * The live run page: steps in order with the current one open, clocks, progress and the timeline. `viewer` is the
 * person the server rendered the page for: what they may do is known in the first paint, and nothing re-renders
 * the steps when the shell's own read of the person arrives (on a phone that was one 130 ms task: docs/benchmarks.md,
 * "Phone main thread"). Every action checks again on the server; a person whose session ends is sent to sign-in by
 * the shell.
 */
export function RunView({ initial, viewer: me }: { initial: RunViewData; viewer: Me }) {
  const { data: run = initial, isError, error, dataUpdatedAt } = useQuery({ ...runQuery(initial.id), initialData: initial });
  const now = useNow(5_000);
  const finished = run.steps.filter((s) => ["DONE", "SKIPPED", "NOT_APPLICABLE"].includes(s.status)).length;
  const pct = Math.round((finished / run.steps.length) * 100);
  const minutes = (Date.parse(run.serverTime) - Date.parse(run.detectedAt)) / 60_000;
  const pendingDecision = run.steps.find((s) => s.kind === "decision" && s.status === "PENDING");
  const phase = run.phases.find((p) => minutes >= p.fromMinutes && minutes < p.toMinutes);
  const decisionDue = run.status === "IN_PROGRESS" && pendingDecision && phase && /go\/no-go/i.test(phase.label);
  const mayAbort = can(me, "run.abort");
  // Escalating: anyone who signs one of this run's steps, or may manage any run (the server checks the same function).
  const mayEscalate = mayWorkOnRun(me, run.signOffRoles);
  const nextLevel = run.escalation[run.escalationLevel];
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <div className="min-w-0">
        <Breadcrumb href={paths.runbook(run.runbookId)} parent={run.runbookId}>
          run {run.id.slice(0, 8)}
          {run.parent && (
            <>
              {" "}
              · child of{" "}
              <Link href={paths.run(run.parent.id)} className="underline">
                {run.parent.runbookId}
              </Link>
            </>
          )}
        </Breadcrumb>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">
            {run.runbookId} {run.title}
          </h1>
          <Badge tone={STATUS_TONE[run.status]}>
            <span data-testid="run-status">{run.status.replace("_", " ").toLowerCase()}</span>
          </Badge>
          {run.drill && <Badge tone="violet">drill{run.drillScenario ? `: ${run.drillScenario}` : ""}</Badge>}
          <SeverityBadge severity={run.severity} />
        </div>
        <div className="mt-3">
          <RunClocks run={run} />
        </div>
        <div className="mt-3" aria-label={`Progress: ${finished} of ${run.steps.length} steps`}>
          <div className="h-2 overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800">
            <div className="h-full bg-indigo-600 transition-all" style={{ width: `${pct}%` }} />
          </div>
          <p className="mt-1 text-xs text-zinc-500" data-testid="run-progress">
            {finished} of {run.steps.length} steps finished
          </p>
        </div>
        {decisionDue && (
          <p role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm font-medium text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
            {Math.floor(minutes)} minutes since detection: the go/no-go rollback decision is due.{" "}
            <a href={`#step-${pendingDecision.id}`} className="underline">
              Go to step {pendingDecision.number}
            </a>
          </p>
        )}
        {run.endedAt && (
          <p className="mt-3 rounded-md border border-zinc-200 bg-zinc-50 p-3 text-sm dark:border-zinc-800 dark:bg-zinc-900" data-testid="run-ended">
            Run {run.status.replace("_", " ").toLowerCase()} {run.endedReason ? `— ${run.endedReason}` : ""}
            {["CRITICAL", "HIGH"].includes(run.severity) && (
              <>
                {" "}
                <Link href={paths.rca(run.id)} className="font-medium text-indigo-700 underline dark:text-indigo-300">
                  {run.rca ? "Open the RCA" : "Write the RCA (due within 48 hours)"}
                </Link>
              </>
            )}
          </p>
        )}
        {isError && (
          <p role="status" className="mt-3 text-sm text-amber-700">
            Live updates paused: {(error as Error).message}. Showing the state from <Time value={new Date(dataUpdatedAt)} />.
          </p>
        )}
        <ol className="mt-6 space-y-3">
          {run.steps.map((s) => (
            <StepCard key={s.id} run={run} step={s} me={me} />
          ))}
        </ol>
      </div>
      <aside className="space-y-4">
        <Card title="Run">
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-zinc-500">Started by</dt>
            <dd data-testid="run-started-by">{run.startedBy}</dd>
            <dt className="text-zinc-500">Started</dt>
            <dd>{run.startedAt.slice(0, 19).replace("T", " ")} UTC</dd>
            <dt className="text-zinc-500">Escalation</dt>
            <dd data-testid="run-escalation">
              {run.escalation[run.escalationLevel - 1]?.level}: {run.escalation[run.escalationLevel - 1]?.who}
              {!nextLevel && <span className="text-xs text-zinc-500"> (the highest level)</span>}
            </dd>
            <dt className="text-zinc-500">Version</dt>
            <dd className="font-mono text-xs" title={run.contentHash}>
              {run.contentHash.slice(0, 12)}
            </dd>
          </dl>
          {mayEscalate && run.status === "IN_PROGRESS" && nextLevel && (
            <details className="mt-3">
              <summary className="cursor-pointer text-sm text-amber-700 dark:text-amber-300">
                Escalate to {nextLevel.level} ({nextLevel.who})
              </summary>
              {/* The level shown travels with the form: if someone escalated meanwhile, the server refuses instead of going a level further. */}
              <ActionForm action={escalateRun} runId={run.id} hidden={{ level: nextLevel.level }} className="mt-2 space-y-2">
                {(pending) => (
                  <>
                    <textarea name="reason" required minLength={3} rows={2} placeholder="Why, and what you need" aria-label="Reason for escalating" className="w-full rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950" />
                    <Button type="submit" variant="secondary" disabled={pending}>
                      Escalate
                    </Button>
                  </>
                )}
              </ActionForm>
            </details>
          )}
          {mayAbort && run.status === "IN_PROGRESS" && (
            <details className="mt-3">
              <summary className="cursor-pointer text-sm text-red-700 dark:text-red-300">Abort run</summary>
              <ActionForm action={abortRun} runId={run.id} className="mt-2 space-y-2">
                {(pending) => (
                  <>
                    <textarea name="reason" required minLength={3} rows={2} placeholder="Reason" aria-label="Reason for aborting" className="w-full rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950" />
                    <Button type="submit" variant="danger" disabled={pending}>
                      Abort run
                    </Button>
                  </>
                )}
              </ActionForm>
            </details>
          )}
        </Card>
        <Card title="Timeline">
          <ol className="max-h-[32rem] space-y-2 overflow-y-auto text-sm" data-testid="run-timeline" aria-live="polite">
            {run.timeline.map((e) => (
              <li key={e.seq} className={e.outcome === "refused" ? "text-red-700 dark:text-red-300" : undefined}>
                <span className="font-mono text-xs text-zinc-500">{e.at.slice(11, 19)}</span> <strong>{e.actor}</strong> {e.summary}
              </li>
            ))}
          </ol>
          <p className="mt-2 text-[10px] text-zinc-500 dark:text-zinc-400">{now === null ? "Live" : `Updated ${Math.max(0, Math.round((now - dataUpdatedAt) / 1000))} s ago`}</p>
        </Card>
      </aside>
    </div>
  );
}
