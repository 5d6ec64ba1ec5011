"use server";
/** The run pages' server actions: one per action definition (lib/runs/actions.ts, lib/runs/start-run.ts). */
import { redirect } from "next/navigation";
import { runServerAction, serverAction } from "../server-action";
import type { ActionResult } from "../../actions/result";
import { decideCommandAction } from "../../control-plane/decide-command";
import { abortRunAction, saveRcaAction, escalateRunAction, addEvidenceAction, approveStepAction, decideStepAction, requestStepAction, signStepAction, skipStepAction } from "../../runs/actions";
import { startRunAction } from "../../runs/start-run";
import { paths } from "../../paths";

/** Starts a run of a runbook and opens it. */
export async function startRun(_prev: ActionResult<{ runId: string }> | null, form: FormData): Promise<ActionResult<{ runId: string }>> {
  const result = await runServerAction(startRunAction, form);
  if (!result.ok) return result;
  redirect(paths.run(result.data.runId));
}

export const signStep = serverAction(signStepAction);
export const requestStep = serverAction(requestStepAction);
export const approveStep = serverAction(approveStepAction);
export const decideStep = serverAction(decideStepAction);
export const skipStep = serverAction(skipStepAction);
export const abortRun = serverAction(abortRunAction);
export const addEvidence = serverAction(addEvidenceAction);
export const escalateRun = serverAction(escalateRunAction);
export const saveRca = serverAction(saveRcaAction);
/** Retries a held control-plane command now, or abandons it (also used by the onboarding page). */
export const decideCommand = serverAction(decideCommandAction);
