"use server";

import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { signHeadAction, verifyChainAction, verifyHeadAction, type ChainReport, type HeadCheckReport, type SignHeadResult } from "@/lib/audit/actions";

/** Walks the whole chain and reports OK with its head, or the first broken event and what is wrong. */
export async function verifyChain(_prev: ActionResult<ChainReport> | null, form: FormData): Promise<ActionResult<ChainReport>> {
  return runServerAction(verifyChainAction, form);
}

/** Signs a head over the chain as it is now (after verifying what was appended since the last head). */
export async function signHead(_prev: ActionResult<SignHeadResult> | null, form: FormData): Promise<ActionResult<SignHeadResult>> {
  return runServerAction(signHeadAction, form);
}

/** Checks the log against an exported head: appended to only, or changed. */
export async function verifyHead(_prev: ActionResult<HeadCheckReport> | null, form: FormData): Promise<ActionResult<HeadCheckReport>> {
  return runServerAction(verifyHeadAction, form);
}
