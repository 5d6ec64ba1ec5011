"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useRef, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/result";

type ServerAction = (prev: ActionResult<unknown> | null, form: FormData) => Promise<ActionResult<unknown> | null>;

/**
 * A form bound to a server action: hidden fields for the run and step, the action's refusal or field errors shown
 * in place, and the run refetched (for everyone polling it) as soon as the change is committed.
 */
export function ActionForm({
  action,
  runId,
  stepId,
  children,
  className,
  testId,
}: {
  action: ServerAction;
  runId: string;
  stepId?: string;
  children: (pending: boolean, fieldError: (name: string) => string | undefined) => ReactNode;
  className?: string;
  testId?: string;
}) {
  const queryClient = useQueryClient();
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state) void queryClient.invalidateQueries({ queryKey: ["run", runId] });
    if (state?.ok) formRef.current?.reset();
  }, [state, queryClient, runId]);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.join(" ") : undefined);
  return (
    <form ref={formRef} action={formAction} className={className} data-testid={testId}>
      <input type="hidden" name="runId" value={runId} />
      {stepId && <input type="hidden" name="stepId" value={stepId} />}
      {children(pending, fieldError)}
      {state && !state.ok && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {state.message}
          {state.correlationId && <span className="block font-mono text-xs">Reference: {state.correlationId}</span>}
        </p>
      )}
    </form>
  );
}
