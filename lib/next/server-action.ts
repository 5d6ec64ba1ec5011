import "server-only";
import type { z } from "zod";
import { currentActor } from "../auth/session";
import { executeAction, formDataToObject, type AnyActionDefinition } from "../actions/safe-action";
import type { ActionResult } from "../actions/result";

/**
 * Runs an action definition for a server action: the person comes from the session (never from the form), the
 * input from FormData or a plain object. Use inside a `"use server"` function.
 */
export async function runServerAction<S extends z.ZodType, T, P>(
  def: AnyActionDefinition<S, T, P>,
  input: FormData | Record<string, unknown>,
): Promise<ActionResult<T>> {
  const actor = await currentActor().catch(() => null);
  return executeAction(def, actor, input instanceof FormData ? formDataToObject(input) : input);
}

/**
 * The `(previous state, FormData)` server action a form's useActionState calls, for one action definition. Export
 * it from a `"use server"` module: `export const signStep = serverAction(signStepAction);`.
 */
export function serverAction<S extends z.ZodType, T, P>(def: AnyActionDefinition<S, T, P>) {
  return async (_prev: ActionResult<unknown> | null, form: FormData): Promise<ActionResult<T>> => runServerAction(def, form);
}
