/** What every server action and JSON mutation returns: failures the person can act on are values, not throws. */
export type ActionFailureCode = "INVALID" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "UNAVAILABLE" | "INTERNAL";

export type ActionFailure = {
  ok: false;
  code: ActionFailureCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
  /** Quoted by the person when they report an unexpected error; the full error is in the server log under it. */
  correlationId?: string;
};

export type ActionSuccess<T> = { ok: true; data: T; message?: string };
export type ActionResult<T> = ActionSuccess<T> | ActionFailure;

export const HTTP_STATUS: Record<ActionFailureCode, number> = {
  INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** An expected failure raised inside an action's transaction: rolls it back and reaches the person as a value. */
export class ActionError extends Error {
  constructor(
    readonly code: Exclude<ActionFailureCode, "INTERNAL" | "UNAVAILABLE">,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = "ActionError";
  }
}
