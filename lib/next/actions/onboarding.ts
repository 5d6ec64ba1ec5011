"use server";
/** The onboarding pages' server actions (lib/onboarding/actions.ts). */
import { redirect } from "next/navigation";
import { runServerAction, serverAction } from "../server-action";
import type { ActionResult } from "../../actions/result";
import {
  approveOnboardingAction,
  confirmTrainingAction,
  requestOnboardingAction,
  runFirstFlowAction,
  sendBackOnboardingAction,
  verifyTelemetryAction,
} from "../../onboarding/actions";
import { paths } from "../../paths";

/** Submits an onboarding request and opens it (the same one again on a repeated submit). */
export async function requestOnboarding(_prev: ActionResult<unknown> | null, form: FormData): Promise<ActionResult<unknown>> {
  const result = await runServerAction(requestOnboardingAction, form);
  if (!result.ok) return result;
  redirect(paths.onboardingItem(result.data.onboardingId));
}
export const approveOnboarding = serverAction(approveOnboardingAction);
export const sendBackOnboarding = serverAction(sendBackOnboardingAction);
export const runFirstFlow = serverAction(runFirstFlowAction);
export const verifyTelemetry = serverAction(verifyTelemetryAction);
export const confirmTraining = serverAction(confirmTrainingAction);
