"use server";

import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { decideCommandAction } from "@/lib/control-plane/decide-command";
import { abortRunAction, saveRcaAction, escalateRunAction, addEvidenceAction, approveStepAction, decideStepAction, requestStepAction, signStepAction, skipStepAction } from "@/lib/runs/actions";

type R = ActionResult<unknown> | null;

/** Signs off the current step. */
export async function signStep(_prev: R, form: FormData): Promise<R> {
  return runServerAction(signStepAction, form);
}
/** Requests the step's control-plane action (or its two approvals). */
export async function requestStep(_prev: R, form: FormData): Promise<R> {
  return runServerAction(requestStepAction, form);
}
/** Approves a two-person request. */
export async function approveStep(_prev: R, form: FormData): Promise<R> {
  return runServerAction(approveStepAction, form);
}
/** Decides GO or NO-GO. */
export async function decideStep(_prev: R, form: FormData): Promise<R> {
  return runServerAction(decideStepAction, form);
}
/** Skips the current step (incident commander). */
export async function skipStep(_prev: R, form: FormData): Promise<R> {
  return runServerAction(skipStepAction, form);
}
/** Aborts the run (incident commander). */
export async function abortRun(_prev: R, form: FormData): Promise<R> {
  return runServerAction(abortRunAction, form);
}
/** Adds evidence (a note or link) to a step. */
export async function addEvidence(_prev: R, form: FormData): Promise<R> {
  return runServerAction(addEvidenceAction, form);
}
/** Escalates the run to its next level. */
export async function escalateRun(_prev: R, form: FormData): Promise<R> {
  return runServerAction(escalateRunAction, form);
}
/** Saves the RCA. */
export async function saveRca(_prev: R, form: FormData): Promise<R> {
  return runServerAction(saveRcaAction, form);
}
/** Retries a held control-plane command now, or abandons it (also used by the onboarding page). */
export async function decideCommand(_prev: R, form: FormData): Promise<R> {
  return runServerAction(decideCommandAction, form);
}
