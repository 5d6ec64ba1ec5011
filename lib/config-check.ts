import { devSignIn } from "./auth/dev-sign-in";
import { env } from "./env";
import { log } from "./log";
import { metricsAccess } from "./metrics/access";
import { maxRetryAfterMs } from "./control-plane/config";
import { getContacts } from "./contacts/load";

/**
 * Ends the process on a configuration that would be unsafe or fail at the first request: an invalid environment
 * variable (e.g. DATABASE_OWNER_URL with the same role as DATABASE_URL, an anchor file inside the PostgreSQL data
 * directory), or passwordless sign-in on a database other than the embedded one without PORTAL_DEV_SIGN_IN=force.
 * Called once when a portal server starts (instrumentation.ts).
 */
export function checkConfigurationOrExit(): void {
  try {
    const e = env();
    const mode = devSignIn(e);
    const metrics = metricsAccess(e);
    if (metrics.mode === "disabled") {
      log.warn("metrics.disabled", { message: "PORTAL_METRICS_TOKEN is not set and the database is not the embedded one: /metrics answers 404. Set a token and give it to Prometheus (docs/operations.md)." });
    }
    maxRetryAfterMs();
    // A broken contacts file (PORTAL_CONTACTS_FILE or config/contacts.json) stops the start, naming file and fields.
    getContacts();
    if (mode.forced) log.warn("auth.dev_sign_in.forced", { message: "Passwordless sign-in is forced on a database that is not the embedded one; every page shows a banner." });
    if (e.DATABASE_OWNER_URL) {
      log.warn("db.owner_credentials_in_portal", { message: "DATABASE_OWNER_URL is set in the portal server's environment. The portal serves as DATABASE_URL and never needs the owner role: keep its credentials with the migration job (docs/deploy.md, \"Database roles\")." });
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error("portal.config_refused", { message });
    console.error(`[portal] Not starting: ${message}`);
    process.exit(1);
  }
}
