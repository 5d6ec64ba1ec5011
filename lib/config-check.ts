import { devSignIn } from "./auth/dev-sign-in";
import { env } from "./env";
import { log } from "./log";
import { maxRetryAfterMs } from "./control-plane/config";

/**
 * Ends the process on a configuration that would be unsafe or fail at the first request: an invalid environment
 * variable, or passwordless sign-in on a database other than the embedded one without PORTAL_DEV_SIGN_IN=force.
 * Called once when a portal server starts (instrumentation.ts).
 */
export function checkConfigurationOrExit(): void {
  try {
    const mode = devSignIn(env());
    maxRetryAfterMs();
    if (mode.forced) log.warn("auth.dev_sign_in.forced", { message: "Passwordless sign-in is forced on a database that is not the embedded one; every page shows a banner." });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error("portal.config_refused", { message });
    console.error(`[portal] Not starting: ${message}`);
    process.exit(1);
  }
}
