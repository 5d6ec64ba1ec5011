"use client";

import { useQuery } from "@tanstack/react-query";
import { Link } from "@/components/ui/link";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { paths } from "@/lib/paths";
import { incidentBoardQuery } from "@/lib/client/incidents";
import { Card } from "../ui/card";
import { Badge } from "../ui/badge";
import { RunListItem } from "../runs/run-list-item";
import { OverdueCard } from "../followups/overdue-card";
import { Since } from "./since";
import { DeclareIncidentForm } from "./declare-form";

const SEV_TONE = { P1: "red", P2: "orange", P3: "amber" } as const;
const STATE_TONE: Record<string, "red" | "amber" | "green" | "zinc" | "blue"> = { PENDING: "zinc", SENDING: "blue", SUCCEEDED: "green", FAILED: "red", NEEDS_DECISION: "amber" };

/**
 * The incident commander's screen: open incidents and their clocks, runs and who holds them, what waits, the state of
 * the orchestrator. The page around it is prerendered; this reads /api/incidents/board every 3 s while the tab is
 * visible (incidentBoardQuery). If a read fails, the last board stays up with a note saying since when.
 */
export function IncidentBoard({ runbooks }: { runbooks: { id: string; title: string }[] }) {
  const { data: board, error, dataUpdatedAt } = useQuery(incidentBoardQuery);
  if (!board) {
    return error ? (
      <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
        Could not load the incidents: {error.message}. Retrying every few seconds.
      </p>
    ) : (
      <p aria-busy="true" className="text-sm text-zinc-500">
        Loading incidents…
      </p>
    );
  }
  const waiting = board.runs.filter((r) => r.current && (r.current.status === "AWAITING_SIGNATURES" || r.current.kind === "decision"));
  const glance = board.glance;
  return (
    <>
      {error && (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
          Not up to date: {error.message}. Showing the board as of <Since from={new Date(dataUpdatedAt).toISOString()} /> ago.
        </p>
      )}
      {board.runs.some((r) => r.goNoGoDue) && (
        <p role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm font-medium text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          Go/no-go rollback decision due:{" "}
          {board.runs
            .filter((r) => r.goNoGoDue)
            .map((r) => (
              <Link key={r.id} href={paths.run(r.id)} className="underline">
                {r.runbookId} ({r.id.slice(0, 8)})
              </Link>
            ))}
        </p>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Card title={`Open incidents (${board.incidents.length})`} className="lg:col-span-2">
          {board.incidents.length === 0 ? (
            <p className="text-sm text-zinc-500">No open incidents.</p>
          ) : (
            <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="open-incidents">
              {board.incidents.map((i) => (
                <li key={i.id} className="flex flex-wrap items-center gap-3 py-2 text-sm" data-testid="open-incident">
                  <Badge tone={SEV_TONE[i.severity as keyof typeof SEV_TONE] ?? "zinc"}>{i.severity}</Badge>
                  <Link href={paths.incident(i.id)} className="font-medium hover:underline">
                    {i.title}
                  </Link>
                  <Badge tone={i.status === "OPEN" ? "red" : "amber"}>{i.status.toLowerCase()}</Badge>
                  <span className="text-xs text-zinc-500">
                    {i.source.toLowerCase()} · {i.commander ? `commander ${i.commander}` : "no commander"} · {i.runs} run{i.runs === 1 ? "" : "s"}
                  </span>
                  <span className="ml-auto">
                    <Since from={i.detectedAt} targetMinutes={i.responseMinutes} testId="incident-clock" />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Orchestrator at a glance">
          {!glance ? (
            <p className="text-sm text-amber-700">Control plane unreachable: no live state.</p>
          ) : (
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="at-a-glance">
              <dt className="text-zinc-500">Providers</dt>
              <dd>{glance.providers}</dd>
              <dt className="text-zinc-500">Spend today</dt>
              <dd>
                ${glance.spendTodayUsd.toFixed(2)} ({glance.budgetLevel})
              </dd>
              <dt className="text-zinc-500">Quota</dt>
              <dd>{glance.quota.map((q) => `${q.provider} ${Math.round(q.usedPercent)}%`).join(" · ")}</dd>
              <dt className="text-zinc-500">Phase</dt>
              <dd>{glance.phase}</dd>
            </dl>
          )}
          {board.glanceStale && <p className="mt-2 text-xs text-amber-700">Stale: {board.glanceStale}</p>}
        </Card>
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-2">
        <Card title={`Runs in progress (${board.runs.length})`}>
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="runs-in-progress">
            {board.runs.length === 0 && <li className="py-2 text-zinc-500">None.</li>}
            {board.runs.map((r) => (
              <RunListItem key={r.id} run={r}>
                {r.current && (
                  <div className="text-xs text-zinc-600 dark:text-zinc-400">
                    Step {r.current.number}: {r.current.title} — held by {r.current.roles.map((x) => ROLE_LABELS[x]).join(" or ")}
                    {r.current.since && (
                      <>
                        {" "}
                        for <Since from={r.current.since} />
                      </>
                    )}
                  </div>
                )}
              </RunListItem>
            ))}
          </ul>
        </Card>
        <Card title={`Waiting for sign-off or decision (${waiting.length})`}>
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
            {waiting.length === 0 && <li className="py-2 text-zinc-500">Nothing waiting.</li>}
            {waiting.map((r) => (
              <li key={r.id} className="py-2">
                <Link href={`${paths.run(r.id)}#step-${r.current!.id}`} className="hover:underline">
                  {r.runbookId} step {r.current!.number}: {r.current!.title}
                </Link>
                <div className="text-xs text-zinc-500">
                  {r.current!.kind === "decision" ? "go/no-go decision" : `approvals ${r.current!.approvals} of ${r.current!.requiredApprovals}`}
                  {r.current!.since && (
                    <>
                      {" "}
                      · waiting <Since from={r.current!.since} />
                    </>
                  )}
                </div>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Recent control-plane commands">
          <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
            {board.commands.length === 0 && <li className="py-2 text-zinc-500">None yet.</li>}
            {board.commands.map((c) => (
              <li key={c.id} className="flex items-center gap-2 py-2">
                <span className="font-mono text-xs">{c.action}</span>
                <Badge tone={STATE_TONE[c.state] ?? "zinc"}>{c.state.toLowerCase()}</Badge>
                {c.lastError && <span className="truncate text-xs text-red-700">{c.lastError}</span>}
                {c.runId && (
                  <Link href={paths.run(c.runId)} className="ml-auto text-xs text-indigo-700 hover:underline dark:text-indigo-300">
                    run
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </Card>
        <OverdueCard work={board.overdue} title="Overdue follow-ups and RCAs" showOwner />
        {board.mayDeclare && (
          <Card title="Declare an incident">
            <DeclareIncidentForm runbooks={runbooks} />
          </Card>
        )}
      </div>
      <Card title="All incidents" className="mt-4">
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-1">Severity</th>
              <th>Title</th>
              <th>Status</th>
              <th>Source</th>
              <th>Detected</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {board.recent.map((i) => (
              <tr key={i.id}>
                <td className="py-1">
                  <Badge tone={SEV_TONE[i.severity as keyof typeof SEV_TONE] ?? "zinc"}>{i.severity}</Badge>
                </td>
                <td>
                  <Link href={paths.incident(i.id)} className="hover:underline">
                    {i.title}
                  </Link>
                </td>
                <td>{i.status.toLowerCase()}</td>
                <td>{i.source.toLowerCase()}</td>
                <td className="font-mono text-xs">{i.detectedAt.slice(0, 16).replace("T", " ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
