"use client";

import { Link } from "@/components/ui/link";
import { useRef, useState } from "react";
import { checkedValue, useAdoptTypedValue } from "@/lib/client/typed-before-hydration";
import { addFollowUp, closeFollowUp } from "@/lib/next/actions/followups";
import type { FollowUpPanel, FollowUpView } from "@/lib/followups/read";
import { STATE_LABELS } from "@/lib/followups/rules";
import { paths } from "@/lib/paths";
import { ActionForm } from "../ui/action-form";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card } from "../ui/card";

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";
const label = "flex flex-col gap-1 text-xs font-medium";

/** An error under its field, tied to it for screen readers. */
function FieldError({ id, text }: { id: string; text?: string }) {
  return text ? (
    <span id={id} className="text-red-700 dark:text-red-300">
      {text}
    </span>
  ) : null;
}

/** One follow-up: what, who, when, its state, and (for those who may) closing it. */
export function FollowUpItem({ f }: { f: FollowUpView }) {
  return (
    <li className="py-2" data-testid="follow-up" data-state={f.state}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{f.title}</span>
        <Badge tone={f.state === "OPEN" ? (f.overdue ? "red" : "amber") : f.state === "DONE" ? "green" : "zinc"}>{f.overdue ? "overdue" : STATE_LABELS[f.state]}</Badge>
        {f.runbookId && (
          <Link href={paths.runbook(f.runbookId)} className="text-xs text-indigo-700 underline dark:text-indigo-300">
            runbook gap: {f.runbookId}
            {f.stepId ? ` step ${f.stepId}` : ""}
          </Link>
        )}
      </div>
      <div className="text-xs text-zinc-600 dark:text-zinc-400">
        Owner {f.ownerName} · due {f.dueOn}
        {f.state !== "OPEN" && f.closedByName && ` · closed by ${f.closedByName} ${f.closedAt?.slice(0, 10)}`}
        {f.closeReason && ` · ${f.closeReason}`}
        {f.fixedBy && ` · fixed by change-log entry ${f.fixedBy.date}: ${f.fixedBy.change}`}
      </div>
      {f.mayClose && <CloseForm f={f} />}
    </li>
  );
}

function CloseForm({ f }: { f: FollowUpView }) {
  const [outcome, setOutcome] = useState<"done" | "wont-do">("done");
  const outcomes = useRef<HTMLFieldSetElement>(null);
  useAdoptTypedValue(() => checkedValue(outcomes.current, "outcome"), outcome, (v) => setOutcome(v === "wont-do" ? "wont-do" : "done"));
  const id = f.id.slice(0, 8);
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-xs text-indigo-700 dark:text-indigo-300">Close this follow-up</summary>
      <ActionForm action={closeFollowUp} hidden={{ followUpId: f.id, version: String(f.version) }} className="mt-2 grid gap-2 sm:grid-cols-2" testId="close-follow-up">
        {(pending, err) => (
          <>
            <fieldset ref={outcomes} className="flex flex-wrap gap-3 text-sm sm:col-span-2">
              <legend className="sr-only">Outcome</legend>
              <label className="flex items-center gap-1">
                <input type="radio" name="outcome" value="done" checked={outcome === "done"} onChange={() => setOutcome("done")} /> Done
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="outcome" value="wont-do" checked={outcome === "wont-do"} onChange={() => setOutcome("wont-do")} /> Won&apos;t do
              </label>
            </fieldset>
            {f.runbookId && outcome === "done" && (
              <label className={`${label} sm:col-span-2`}>
                Change-log entry of {f.runbookId} that fixed it
                <select name="changelogKey" defaultValue="" className={field} aria-describedby={err("changelogKey") ? `cl-${id}` : undefined}>
                  <option value="">choose an entry</option>
                  {f.changelog.map((e) => (
                    <option key={e.key} value={e.key}>
                      {e.date}: {e.change}
                    </option>
                  ))}
                </select>
                <FieldError id={`cl-${id}`} text={err("changelogKey")} />
              </label>
            )}
            <label className={`${label} sm:col-span-2`}>
              {outcome === "wont-do" ? "Why it will not be done" : "Note (optional)"}
              <input name="reason" className={field} aria-describedby={err("reason") ? `reason-${id}` : undefined} />
              <FieldError id={`reason-${id}`} text={err("reason")} />
            </label>
            <div>
              <Button type="submit" disabled={pending}>
                {outcome === "done" ? "Close as done" : "Close as won't do"}
              </Button>
            </div>
          </>
        )}
      </ActionForm>
    </details>
  );
}

function AddForm({ panel, parent }: { panel: FollowUpPanel; parent: { runId: string } | { incidentId: string } }) {
  const [runbookId, setRunbookId] = useState("");
  const runbookField = useRef<HTMLSelectElement>(null);
  useAdoptTypedValue(() => runbookField.current?.value, runbookId, setRunbookId);
  const steps = panel.runbooks.find((r) => r.id === runbookId)?.steps ?? [];
  const hidden: Record<string, string> = "runId" in parent ? { runId: parent.runId } : { incidentId: parent.incidentId };
  return (
    <ActionForm action={addFollowUp} hidden={hidden} className="mt-3 grid gap-2 border-t border-zinc-200 pt-3 sm:grid-cols-2 dark:border-zinc-800" testId="add-follow-up">
      {(pending, err) => (
        <>
          <label className={`${label} sm:col-span-2`}>
            Follow-up
            <input name="title" required minLength={3} maxLength={300} className={field} aria-describedby={err("title") ? "fu-title-err" : undefined} />
            <FieldError id="fu-title-err" text={err("title")} />
          </label>
          <label className={label}>
            Owner
            <select name="ownerId" required defaultValue="" className={field} aria-describedby={err("ownerId") ? "fu-owner-err" : undefined}>
              <option value="">choose a person</option>
              {panel.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <FieldError id="fu-owner-err" text={err("ownerId")} />
          </label>
          <label className={label}>
            Due
            <input type="date" name="dueOn" required className={field} aria-describedby={err("dueOn") ? "fu-due-err" : undefined} />
            <FieldError id="fu-due-err" text={err("dueOn")} />
          </label>
          <label className={label}>
            Runbook gap in (optional)
            <select ref={runbookField} name="runbookId" value={runbookId} onChange={(e) => setRunbookId(e.target.value)} className={field}>
              <option value="">not a runbook gap</option>
              {panel.runbooks.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id} {r.title}
                </option>
              ))}
            </select>
            <FieldError id="fu-rb-err" text={err("runbookId")} />
          </label>
          <label className={label}>
            Step (optional)
            <select name="stepId" defaultValue="" className={field} disabled={!runbookId} aria-describedby={err("stepId") ? "fu-step-err" : undefined}>
              <option value="">the whole runbook</option>
              {steps.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.number}. {s.title}
                </option>
              ))}
            </select>
            <FieldError id="fu-step-err" text={err("stepId")} />
          </label>
          <div>
            <Button type="submit" disabled={pending}>
              Add follow-up
            </Button>
          </div>
        </>
      )}
    </ActionForm>
  );
}

/** The follow-ups of an RCA or an incident, and adding one (for those who may). */
export function FollowUpCard({ panel, parent }: { panel: FollowUpPanel; parent: { runId: string } | { incidentId: string } }) {
  const open = panel.items.filter((f) => f.state === "OPEN").length;
  return (
    <Card title={`Follow-ups (${open} open)`} className="mt-4">
      {panel.items.length === 0 ? (
        <p className="text-sm text-zinc-500">No follow-ups yet.</p>
      ) : (
        <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="follow-ups">
          {panel.items.map((f) => (
            <FollowUpItem key={f.id} f={f} />
          ))}
        </ul>
      )}
      {panel.mayAdd && <AddForm panel={panel} parent={parent} />}
    </Card>
  );
}
