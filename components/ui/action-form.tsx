"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/result";

type ServerAction = (prev: ActionResult<unknown> | null, form: FormData) => Promise<ActionResult<unknown> | null>;

/**
 * A form bound to a server action: hidden fields (the run and step, or any others), the action's refusal or field
 * errors shown in place, and the data refetched as soon as the change is committed (the run's live query, or the
 * server-rendered page).
 */
export function ActionForm({
  action,
  runId,
  stepId,
  hidden,
  queryKey,
  children,
  className,
  testId,
}: {
  action: ServerAction;
  runId?: string;
  stepId?: string;
  hidden?: Record<string, string>;
  /** The live query to refetch after the change (default: the run's, when `runId` is given; else the page). */
  queryKey?: readonly unknown[];
  children: (pending: boolean, fieldError: (name: string) => string | undefined) => ReactNode;
  className?: string;
  testId?: string;
}) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  const key = queryKey ?? (runId ? ["run", runId] : null);
  const keyText = JSON.stringify(key);
  useEffect(() => {
    if (state && keyText !== "null") void queryClient.invalidateQueries({ queryKey: JSON.parse(keyText) as unknown[] });
    else if (state?.ok) router.refresh();
    if (state?.ok) formRef.current?.reset();
  }, [state, queryClient, keyText, router]);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.join(" ") : undefined);
  return (
    <form ref={formRef} action={formAction} className={className} data-testid={testId}>
      {runId && <input type="hidden" name="runId" value={runId} />}
      {stepId && <input type="hidden" name="stepId" value={stepId} />}
      {Object.entries(hidden ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      {children(pending, fieldError)}
      {state?.ok && state.message && (
        <p role="status" className="mt-2 text-sm text-emerald-700 dark:text-emerald-300">
          {state.message}
        </p>
      )}
      {state && !state.ok && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {state.message}
          {state.correlationId && <span className="block font-mono text-xs">Reference: {state.correlationId}</span>}
        </p>
      )}
    </form>
  );
}
