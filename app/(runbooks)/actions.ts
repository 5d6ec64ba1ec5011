"use server";

import { redirect } from "next/navigation";
import { runServerAction } from "@/lib/next/server-action";
import { startRunAction } from "@/lib/runs/start-run";
import type { ActionResult } from "@/lib/actions/result";
import { paths } from "@/lib/paths";

/** Starts a run of a runbook and opens it. */
export async function startRun(_prev: ActionResult<{ runId: string }> | null, form: FormData): Promise<ActionResult<{ runId: string }>> {
  const result = await runServerAction(startRunAction, form);
  if (!result.ok) return result;
  redirect(paths.run(result.data.runId));
}
