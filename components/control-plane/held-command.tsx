"use client";

import { decideCommand } from "@/lib/next/actions/runs";
import { ActionForm } from "../ui/action-form";
import { Button } from "../ui/button";

export type HeldCommandView = { id: string; action: string; holdReason: string | null; retryAfterSeconds: number | null; lastError: string | null };

const field = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/** The one sentence that says why a command waits for a person. */
export function heldHeadline(c: Pick<HeldCommandView, "holdReason" | "retryAfterSeconds">): string {
  switch (c.holdReason) {
    case "retry-after-too-long":
      return `The control plane asked to wait ${c.retryAfterSeconds ?? "?"} s; retry now or abandon.`;
    case "key-mismatch":
      return "The control plane answered with another idempotency key: the action may or may not have run. Check the control plane, then retry or abandon.";
    case "invalid-response":
      return "The control plane's answer broke the contract: the action may or may not have run. Check the control plane, then retry or abandon.";
    default:
      return "This command waits for a decision: retry now or abandon.";
  }
}

/**
 * A command held for a person (NEEDS_DECISION): why, and — for someone who may decide — retry now (same idempotency
 * key) or abandon, with a reason for the audit log. The server checks who may (decideCommandAction).
 */
export function HeldCommand({ command, queryKey, mayDecide }: { command: HeldCommandView; queryKey: readonly unknown[]; mayDecide: boolean }) {
  return (
    <div data-testid="held-command" className="mt-3 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950/40">
      <p className="font-medium text-amber-900 dark:text-amber-200" data-testid="held-reason">
        {heldHeadline(command)}
      </p>
      {command.lastError && <p className="text-xs break-words text-amber-900/80 dark:text-amber-200/80">{command.lastError}</p>}
      {mayDecide ? (
        <ActionForm action={decideCommand} hidden={{ commandId: command.id }} queryKey={queryKey} className="space-y-2" testId="decide-command">
          {(pending, err) => (
            <>
              <label className="block text-xs font-medium">
                Reason (for the audit log)
                <textarea name="reason" required minLength={3} rows={2} className={field} aria-describedby={err("reason") ? `held-${command.id}-err` : undefined} />
                {err("reason") && (
                  <span id={`held-${command.id}-err`} className="text-red-700">
                    {err("reason")}
                  </span>
                )}
              </label>
              <div className="flex gap-2">
                <Button type="submit" name="decision" value="retry" disabled={pending}>
                  Retry now
                </Button>
                <Button type="submit" name="decision" value="abandon" variant="secondary" disabled={pending}>
                  Abandon
                </Button>
              </div>
            </>
          )}
        </ActionForm>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Waiting for someone who signs this step to retry or abandon it.</p>
      )}
    </div>
  );
}
