import { executeAction } from "@/lib/actions/safe-action";
import type { Actor } from "@/lib/auth/roles";
import { startRunAction } from "@/lib/runs/start-run";

/** Starts a run of `runbookId` as `actor` and returns its id (a refusal fails the test). */
export async function startRun(actor: Actor, runbookId: string): Promise<string> {
  const r = await executeAction(startRunAction, actor, { runbookId });
  if (!r.ok) throw new Error(r.message);
  return r.data.runId;
}
