"use server";

import { runServerAction } from "@/lib/next/server-action";
import type { ActionResult } from "@/lib/actions/result";
import { addPersonAction, decideGrantAction, grantRoleAction, revokeRoleAction, setDisabledAction } from "@/lib/access/actions";

type R = ActionResult<unknown> | null;

/** Adds a person (privileged roles become requests for a second administrator). */
export async function addPerson(_prev: R, form: FormData): Promise<R> {
  return runServerAction(addPersonAction, form);
}
/** Grants a role, or requests a privileged one. */
export async function grantRole(_prev: R, form: FormData): Promise<R> {
  return runServerAction(grantRoleAction, form);
}
/** Revokes a role (an identity-provider role is blocked here). */
export async function revokeRole(_prev: R, form: FormData): Promise<R> {
  return runServerAction(revokeRoleAction, form);
}
/** Approves or rejects a grant request. */
export async function decideGrant(_prev: R, form: FormData): Promise<R> {
  return runServerAction(decideGrantAction, form);
}
/** Disables or enables a person. */
export async function setDisabled(_prev: R, form: FormData): Promise<R> {
  return runServerAction(setDisabledAction, form);
}
