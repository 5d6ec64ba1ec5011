"use server";

import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { addFollowUpAction, closeFollowUpAction } from "@/lib/followups/actions";

type R = ActionResult<unknown> | null;

/** Adds a follow-up to an RCA or an incident. */
export async function addFollowUp(_prev: R, form: FormData): Promise<R> {
  return runServerAction(addFollowUpAction, form);
}
/** Closes a follow-up as done (a runbook gap names its change-log entry) or won't do (with a reason). */
export async function closeFollowUp(_prev: R, form: FormData): Promise<R> {
  return runServerAction(closeFollowUpAction, form);
}
