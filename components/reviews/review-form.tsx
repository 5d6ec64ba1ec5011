"use client";

import { useRef, useState } from "react";
import { checkedValue, useAdoptTypedValue } from "@/lib/client/typed-before-hydration";
import { recordReview } from "@/lib/next/actions/reviews";
import { ActionForm } from "../ui/action-form";
import { Button } from "../ui/button";

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/** Records a review of the runbook: no change, or the change-log entry it led to. */
export function ReviewForm({ runbookId, changelog }: { runbookId: string; changelog: { key: string; date: string; change: string }[] }) {
  const [outcome, setOutcome] = useState<"no-change" | "changelog">("no-change");
  const outcomes = useRef<HTMLFieldSetElement>(null);
  useAdoptTypedValue(() => checkedValue(outcomes.current, "outcome"), outcome, (v) => setOutcome(v === "changelog" ? "changelog" : "no-change"));
  return (
    <ActionForm action={recordReview} hidden={{ runbookId }} className="mt-3 grid gap-2 border-t border-zinc-200 pt-3 dark:border-zinc-800" testId="record-review">
      {(pending, err) => (
        <>
          <fieldset ref={outcomes} className="flex flex-wrap gap-3 text-sm">
            <legend className="mb-1 text-xs font-medium">Outcome</legend>
            <label className="flex items-center gap-1">
              <input type="radio" name="outcome" value="no-change" checked={outcome === "no-change"} onChange={() => setOutcome("no-change")} /> No change
            </label>
            <label className="flex items-center gap-1">
              <input type="radio" name="outcome" value="changelog" checked={outcome === "changelog"} onChange={() => setOutcome("changelog")} /> Change-log entry
            </label>
          </fieldset>
          {outcome === "changelog" && (
            <label className="flex flex-col gap-1 text-xs font-medium">
              Entry this review led to
              <select name="changelogKey" defaultValue="" className={field} aria-describedby={err("changelogKey") ? "review-cl-err" : undefined}>
                <option value="">choose an entry</option>
                {changelog.map((e) => (
                  <option key={e.key} value={e.key}>
                    {e.date}: {e.change}
                  </option>
                ))}
              </select>
              {err("changelogKey") && (
                <span id="review-cl-err" className="text-red-700 dark:text-red-300">
                  {err("changelogKey")}
                </span>
              )}
            </label>
          )}
          <label className="flex flex-col gap-1 text-xs font-medium">
            Note (optional)
            <input name="note" maxLength={2000} className={field} />
          </label>
          <div>
            <Button type="submit" disabled={pending}>
              Record review
            </Button>
          </div>
        </>
      )}
    </ActionForm>
  );
}
