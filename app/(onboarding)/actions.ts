"use server";

import { redirect } from "next/navigation";
import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import {
  approveOnboardingAction,
  confirmTrainingAction,
  requestOnboardingAction,
  runFirstFlowAction,
  sendBackOnboardingAction,
  verifyTelemetryAction,
} from "@/lib/onboarding/actions";
import { paths } from "@/lib/paths";

type R = ActionResult<unknown> | null;

/** Submits an onboarding request and opens it (the same one again on a repeated submit). */
export async function requestOnboarding(_prev: R, form: FormData): Promise<R> {
  const result = await runServerAction(requestOnboardingAction, form);
  if (!result.ok) return result;
  redirect(paths.onboardingItem(result.data.onboardingId));
}
/** Approves a request: registers the repo and queues the allowlist change (SRE). */
export async function approveOnboarding(_prev: R, form: FormData): Promise<R> {
  return runServerAction(approveOnboardingAction, form);
}
/** Sends a request back to its owner with the reason (SRE). */
export async function sendBackOnboarding(_prev: R, form: FormData): Promise<R> {
  return runServerAction(sendBackOnboardingAction, form);
}
/** Runs the repo's first flow (again after a failure). */
export async function runFirstFlow(_prev: R, form: FormData): Promise<R> {
  return runServerAction(runFirstFlowAction, form);
}
/** Checks that the repo's flows appear in telemetry and marks it. */
export async function verifyTelemetry(_prev: R, form: FormData): Promise<R> {
  return runServerAction(verifyTelemetryAction, form);
}
/** The repo owner confirms their troubleshooting training. */
export async function confirmTraining(_prev: R, form: FormData): Promise<R> {
  return runServerAction(confirmTrainingAction, form);
}
