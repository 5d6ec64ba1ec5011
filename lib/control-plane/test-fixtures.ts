import { ControlPlaneError } from "./errors";

/** The ControlPlaneError a call must fail with (any other error, or none, fails the test). */
export async function failure(p: Promise<unknown>): Promise<ControlPlaneError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ControlPlaneError) return e;
    throw e;
  }
  throw new Error("expected the call to fail");
}
