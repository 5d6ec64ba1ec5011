"use client";

import { Link } from "@/components/ui/link";
import { useQuery } from "@tanstack/react-query";
import { useActionState } from "react";
import type { HomeIncident, HomeView as HomeViewData } from "@/lib/data/home";
import { homeQuery } from "@/lib/client/home";
import type { WaitKind } from "@/lib/runs/waiting";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { paths } from "@/lib/paths";
import { startRun } from "@/lib/next/actions/runs";
import type { ActionResult } from "@/lib/actions/result";
import { Card } from "../ui/card";
import { Badge } from "../ui/badge";
import { Button, buttonClass } from "../ui/button";
import { Since } from "../incidents/since";
import { RunListItem } from "../runs/run-list-item";

const SEV_TONE: Record<string, "red" | "orange" | "amber"> = { P1: "red", P2: "orange", P3: "amber" };

const WAIT_LABELS: Record<WaitKind, string> = {
  "sign-off": "Sign-off",
  request: "Request",
  approval: "Approval (two-person rule)",
  decision: "Go/no-go decision",
};

/** One click: starts the suggested runbook for the incident and opens the run (the server checks who may). */
function StartForIncident({ incident }: { incident: HomeIncident }) {
  const [state, action, pending] = useActionState<ActionResult<{ runId: string }> | null, FormData>(startRun, null);
  const rb = incident.suggested!;
  return (
    <form action={action} className="flex flex-col items-end gap-1">
      <input type="hidden" name="runbookId" value={rb.id} />
      <input type="hidden" name="incidentId" value={incident.id} />
      <Button type="submit" disabled={pending}>
        {pending ? "Starting…" : `Start ${rb.id} for this incident`}
      </Button>
      {state && !state.ok && (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700 dark:text-red-300">
          {state.message}
        </p>
      )}
    </form>
  );
}

function IncidentRow({ incident: i }: { incident: HomeIncident }) {
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-2 py-3" data-testid="home-incident">
      <Badge tone={SEV_TONE[i.severity] ?? "zinc"}>{i.severity}</Badge>
      <div className="min-w-0 flex-1">
        <Link href={paths.incident(i.id)} className="font-medium hover:underline">
          {i.title}
        </Link>
        <div className="text-xs text-zinc-500">
          {i.status.toLowerCase()} · from {i.source.toLowerCase()}
          {i.suggested ? (
            <>
              {" "}
              · runbook{" "}
              <Link href={paths.runbook(i.suggested.id)} className="underline">
                {i.suggested.id} {i.suggested.title}
              </Link>
            </>
          ) : (
            " · no runbook suggested"
          )}
        </div>
      </div>
      <span className="text-sm">
        <Since from={i.detectedAt} targetMinutes={i.responseMinutes} testId="home-incident-clock" />
      </span>
      {i.openRun ? (
        <Link href={paths.run(i.openRun.id)} className={buttonClass("secondary")}>
          Open run
        </Link>
      ) : i.suggested && i.mayStart ? (
        <StartForIncident incident={i} />
      ) : null}
    </li>
  );
}

/** The start page's live part: open incidents, steps waiting on the person, their runs in progress. */
export function HomeView({ initial }: { initial: HomeViewData }) {
  // The nav's badges may have created this query first (without initial data): the server's view until their first poll.
  // The nav's badges poll this query (NavLinks); this view only reads it.
  const { data = initial } = useQuery({ ...homeQuery, initialData: initial, refetchInterval: false });
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      {data.incidents && (
        <Card title={`Open incidents (${data.incidents.length})`} className="lg:col-span-2">
          {data.incidents.length === 0 ? (
            <p className="text-sm text-zinc-500">No open incidents.</p>
          ) : (
            <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="home-incidents">
              {data.incidents.map((i) => (
                <IncidentRow key={i.id} incident={i} />
              ))}
            </ul>
          )}
        </Card>
      )}
      <Card title={`Waiting on you (${data.waiting.length})`}>
        {data.waiting.length === 0 ? (
          <p className="text-sm text-zinc-500">Nothing is waiting on your sign-off, approval or decision.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="home-waiting">
            {data.waiting.map((w) => (
              <li key={`${w.runId}:${w.stepId}`} className="py-2" data-testid="waiting-step">
                <Link href={`${paths.run(w.runId)}#step-${w.stepId}`} className="font-medium hover:underline">
                  {w.runbookId} step {w.stepNumber}: {w.stepTitle}
                </Link>
                {w.drill && <Badge tone="violet" className="ml-2">drill</Badge>}
                <div className="text-xs text-zinc-500">
                  {WAIT_LABELS[w.kind]} by {w.roles.map((r) => ROLE_LABELS[r]).join(" or ")}
                  {w.since && (
                    <>
                      {" "}
                      · waiting <Since from={w.since} targetMinutes={w.expectedMinutes} />
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title={`Your runs in progress (${data.myRuns.length})`}>
        {data.myRuns.length === 0 ? (
          <p className="text-sm text-zinc-500">You have no run in progress.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="home-my-runs">
            {data.myRuns.map((r) => (
              <RunListItem key={r.id} run={r}>
                {r.current && (
                  <div className="text-xs text-zinc-500">
                    now at step {r.current.number}: {r.current.title}
                  </div>
                )}
              </RunListItem>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
