"use client";

import { saveRca } from "@/app/(runbooks)/runs/[id]/actions";
import { buttonClass, Button } from "../ui/button";
import { ActionForm } from "../ui/action-form";

export function RcaEditor({ runId, initial, canSave, downloadHref }: { runId: string; initial: string; canSave: boolean; downloadHref: string }) {
  return (
    <ActionForm action={saveRca} runId={runId} className="mt-4 space-y-3">
      {(pending, err) => (
        <>
          <textarea
            name="markdown"
            defaultValue={initial}
            rows={30}
            aria-label="RCA (Markdown)"
            aria-describedby={err("markdown") ? "rca-err" : undefined}
            className="w-full rounded-md border border-zinc-300 bg-white p-3 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
          />
          {err("markdown") && (
            <p id="rca-err" className="text-sm text-red-700">
              {err("markdown")}
            </p>
          )}
          <div className="flex gap-2">
            {canSave && (
              <Button type="submit" disabled={pending}>
                Save RCA
              </Button>
            )}
            <a href={downloadHref} className={buttonClass("secondary")} download>
              Export Markdown
            </a>
          </div>
        </>
      )}
    </ActionForm>
  );
}
