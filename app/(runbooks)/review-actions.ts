"use server";

import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { recordReviewAction } from "@/lib/reviews/actions";

type R = ActionResult<unknown> | null;

/** Records a review of a runbook (its owner roles). */
export async function recordReview(_prev: R, form: FormData): Promise<R> {
  return runServerAction(recordReviewAction, form);
}
