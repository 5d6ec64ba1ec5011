"use client";

import { useQuery } from "@tanstack/react-query";
import { useActionState, useState } from "react";
import { DEFAULT_SCENARIO, DRILL_SCENARIOS } from "@/lib/runs/drill-scenarios";
import { startRun } from "@/lib/next/actions/runs";
import type { ActionResult } from "@/lib/actions/result";
import { mayStartRunbook } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { meQuery } from "@/lib/client/me";
import { Button } from "../ui/button";
import { SelectOptions } from "../ui/select-options";

/**
 * "Start run" for people whose role may start this runbook. Showing it is a convenience; the server action
 * checks the permission and the runbook's start roles again.
 */
export function StartRunForm({ runbookId, startRoles, incidentId, label = "Start run" }: { runbookId: string; startRoles: Role[]; incidentId?: string; label?: string }) {
  const { data } = useQuery(meQuery);
  const [state, action, pending] = useActionState<ActionResult<{ runId: string }> | null, FormData>(startRun, null);
  const [drill, setDrill] = useState(false);
  // A link such as /runbooks/RB-CORE-001?flow=<id> (from a failing first flow) preselects the flow for the run.
  const [flowId] = useState(() => (typeof window === "undefined" ? null : new URLSearchParams(window.location.search).get("flow")));
  if (!data?.signedIn) return null;
  const allowed = mayStartRunbook(data.me, startRoles);
  if (!allowed) {
    return <p className="text-xs text-zinc-500">Runs are started by {startRoles.map((r) => ROLE_LABELS[r]).join(", ")}.</p>;
  }
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <input type="hidden" name="runbookId" value={runbookId} />
      {incidentId && <input type="hidden" name="incidentId" value={incidentId} />}
      {flowId && (
        <>
          <input type="hidden" name="flowId" value={flowId} />
          <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="preselected-flow">
            For flow <span className="font-mono">{flowId}</span>
          </p>
        </>
      )}
      <div className="flex items-center gap-3">
        <label className="flex items-center gap-1.5 text-sm text-zinc-600 dark:text-zinc-400">
          <input type="checkbox" name="drill" className="rounded" checked={drill} onChange={(e) => setDrill(e.target.checked)} /> Drill
        </label>
        {drill && (
          <label className="flex items-center gap-1.5 text-sm text-zinc-600 dark:text-zinc-400">
            Scenario
            <select name="scenario" defaultValue={DEFAULT_SCENARIO[runbookId] ?? ""} className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900">
              <SelectOptions empty="none" values={DRILL_SCENARIOS} />
            </select>
          </label>
        )}
        <Button type="submit" disabled={pending}>
          {pending ? "Starting…" : label}
        </Button>
      </div>
      {state && !state.ok && (
        <p role="alert" className="max-w-sm text-right text-sm text-red-700 dark:text-red-300">
          {state.message}
          {state.correlationId && <span className="block font-mono text-xs">Reference: {state.correlationId}</span>}
        </p>
      )}
    </form>
  );
}
