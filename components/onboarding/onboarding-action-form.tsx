"use client";

import type { ComponentProps, ReactNode } from "react";
import { ActionForm } from "../ui/action-form";

/** The shared action form, bound to one onboarding: its id as a hidden field, its live query refetched after a change. */
export function OnboardingActionForm({
  onboardingId,
  ...props
}: Omit<ComponentProps<typeof ActionForm>, "hidden" | "queryKey" | "runId" | "stepId"> & { onboardingId: string; children: (pending: boolean, fieldError: (name: string) => string | undefined) => ReactNode }) {
  return <ActionForm {...props} hidden={{ onboardingId }} queryKey={["onboarding", onboardingId]} />;
}
