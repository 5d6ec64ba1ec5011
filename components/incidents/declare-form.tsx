"use client";

import { declareIncident } from "@/lib/next/actions/incidents";
import { ActionForm } from "../ui/action-form";
import { Button } from "../ui/button";

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/** Declare an incident the detectors did not catch. */
export function DeclareIncidentForm({ runbooks }: { runbooks: { id: string; title: string }[] }) {
  return (
    <ActionForm action={declareIncident} className="grid gap-3 sm:grid-cols-[2fr_auto_1.5fr_auto] sm:items-end">
      {(pending, err) => (
        <>
          <label className="text-xs font-medium">
            Title
            <input name="title" required minLength={5} className={field} aria-describedby={err("title") ? "title-err" : undefined} />
            {err("title") && <span id="title-err" className="text-red-700">{err("title")}</span>}
          </label>
          <label className="text-xs font-medium">
            Severity
            <select name="severity" defaultValue="P2" className={field}>
              <option>P1</option>
              <option>P2</option>
              <option>P3</option>
            </select>
          </label>
          <label className="text-xs font-medium">
            Suggested runbook
            <select name="suggestedRunbookId" defaultValue="" className={field}>
              <option value="">none yet</option>
              {runbooks.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id} {r.title}
                </option>
              ))}
            </select>
          </label>
          <Button type="submit" disabled={pending}>
            Declare incident
          </Button>
        </>
      )}
    </ActionForm>
  );
}
