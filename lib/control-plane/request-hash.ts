import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical";
import type { ControlPlaneAction } from "./actions";
import { parseActionParams, type ActionParams } from "./contract";

/** sha256 (hex) of the canonical JSON of `{ action, params }` for parameters already in canonical form. */
export function canonicalRequestHash<A extends ControlPlaneAction>(action: A, canonicalParams: ActionParams<A>): string {
  return createHash("sha256").update(canonicalJson({ action, params: canonicalParams })).digest("hex");
}

/**
 * The request hash of an action: sha256 of the canonical JSON of `{ action, params }`, with params normalised by the
 * action's schema first, so "billing-api, checkout-web" and ["billing-api", "checkout-web"] hash alike. Two-person
 * signatures cover this hash and the outbox stores it: changing the parameters changes the hash and voids the
 * signatures. Throws ActionParamsError when the parameters are invalid.
 */
export function commandRequestHash(action: ControlPlaneAction, params: unknown): string {
  return canonicalRequestHash(action, parseActionParams(action, params));
}
