"use client";

import { useState, useSyncExternalStore } from "react";
import { saveRca } from "@/lib/next/actions/runs";
import { buttonClass, Button } from "../ui/button";
import { ActionForm } from "../ui/action-form";

const noSubscription = () => () => {};

/**
 * The RCA's Markdown with Save (for people who may work on the run) and Export. A save carries the version it was
 * based on; the text stays in the editor whatever the answer, so a save refused as stale loses nothing.
 */
export function RcaEditor({ runId, initial, baseVersion, canSave, downloadHref }: { runId: string; initial: string; baseVersion: number; canSave: boolean; downloadHref: string }) {
  const [markdown, setMarkdown] = useState(initial);
  // Read-only until React has taken the page over: text typed into the server's HTML before then was merged with the
  // draft when hydration set the editor's value back (a clean CI run saved "v1" followed by the whole draft).
  const hydrated = useSyncExternalStore(noSubscription, () => true, () => false);
  return (
    // No `runId` prop: after a save the server-rendered page refreshes (new base version, history).
    <ActionForm action={saveRca} hidden={{ runId, baseVersion: String(baseVersion) }} className="mt-4 space-y-3">
      {(pending, err) => (
        <>
          <textarea
            name="markdown"
            value={markdown}
            onChange={(e) => setMarkdown(e.target.value)}
            readOnly={!canSave || !hydrated}
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
