"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useRef, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/result";

type ServerAction = (prev: ActionResult<unknown> | null, form: FormData) => Promise<ActionResult<unknown> | null>;

/**
 * A form bound to an onboarding server action: the onboarding's id as a hidden field, refusals and field errors
 * shown in place, and the onboarding refetched (for everyone polling it) once the change is committed.
 */
export function OnboardingActionForm({
  action,
  onboardingId,
  children,
  className,
  testId,
}: {
  action: ServerAction;
  onboardingId: string;
  children: (pending: boolean, fieldError: (name: string) => string | undefined) => ReactNode;
  className?: string;
  testId?: string;
}) {
  const queryClient = useQueryClient();
  const [state, formAction, pending] = useActionState(action, null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state) void queryClient.invalidateQueries({ queryKey: ["onboarding", onboardingId] });
    if (state?.ok) formRef.current?.reset();
  }, [state, queryClient, onboardingId]);
  const fieldError = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.join(" ") : undefined);
  return (
    <form ref={formRef} action={formAction} className={className} data-testid={testId}>
      <input type="hidden" name="onboardingId" value={onboardingId} />
      {children(pending, fieldError)}
      {state && !state.ok && !Object.keys(state.fieldErrors ?? {}).length && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
          {state.message}
          {state.correlationId && <span className="block font-mono text-xs">Reference: {state.correlationId}</span>}
        </p>
      )}
    </form>
  );
}
