"use client";

import type { ComponentProps, ReactNode } from "react";
import { ActionForm } from "../ui/action-form";
import { Button } from "../ui/button";

/** The shared action form, bound to one onboarding: its id as a hidden field, its live query refetched after a change. */
export function OnboardingActionForm({
  onboardingId,
  ...props
}: Omit<ComponentProps<typeof ActionForm>, "hidden" | "queryKey" | "runId" | "stepId"> & { onboardingId: string; children: (pending: boolean, fieldError: (name: string) => string | undefined) => ReactNode }) {
  return <ActionForm {...props} hidden={{ onboardingId }} queryKey={["onboarding", onboardingId]} />;
}

/** A form that is one button: the onboarding's actions that need no input, disabled while the action runs. */
export function OnboardingActionButton({
  variant,
  children,
  ...props
}: Omit<ComponentProps<typeof OnboardingActionForm>, "children"> & { variant?: ComponentProps<typeof Button>["variant"]; children: ReactNode }) {
  return (
    <OnboardingActionForm {...props}>
      {(pending) => (
        <Button type="submit" variant={variant} disabled={pending}>
          {children}
        </Button>
      )}
    </OnboardingActionForm>
  );
}
