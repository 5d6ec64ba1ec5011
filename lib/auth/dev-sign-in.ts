import type { Env } from "../env";

export type DevSignIn = { enabled: boolean; forced: boolean };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

const refusal =
  "PORTAL_DEV_SIGN_IN=true is refused: the database is not the embedded one that `npm start` runs (DATABASE_URL is set). " +
  "Passwordless sign-in lets anyone who reaches the portal act as any person. Set PORTAL_DEV_SIGN_IN=false (and sign in with " +
  "OIDC), or, on a test system only, PORTAL_DEV_SIGN_IN=force: every page then shows a red banner.";

/** The embedded PostgreSQL that `npm start` opened, on loopback (PORTAL_EMBEDDED_DATABASE names the database in use). */
export function onEmbeddedDatabase(e: Pick<Env, "DATABASE_URL" | "PORTAL_EMBEDDED_DATABASE">): boolean {
  if (!e.DATABASE_URL || e.PORTAL_EMBEDDED_DATABASE !== e.DATABASE_URL) return false;
  try {
    return LOOPBACK.has(new URL(e.DATABASE_URL).hostname);
  } catch {
    return false;
  }
}

/**
 * Whether the portal offers "sign in as a seeded person" (no password). On only on the embedded database that
 * `npm start` opened (it says so in PORTAL_EMBEDDED_DATABASE, which must name the loopback database in use), or
 * when forced, which every page then announces. PORTAL_DEV_SIGN_IN=true anywhere else throws: the portal refuses
 * to start (instrumentation.ts).
 */
export function devSignIn(e: Pick<Env, "PORTAL_DEV_SIGN_IN" | "DATABASE_URL" | "PORTAL_EMBEDDED_DATABASE">): DevSignIn {
  if (e.PORTAL_DEV_SIGN_IN === "off") return { enabled: false, forced: false };
  if (e.PORTAL_DEV_SIGN_IN === "force") return { enabled: true, forced: true };
  if (!onEmbeddedDatabase(e)) throw new Error(refusal);
  return { enabled: true, forced: false };
}

/** `npm start`'s decision: the value to pass to the portal, or why it will not start. */
export function launchDevSignIn(input: { embedded: boolean; requested: string | undefined }): { value: "true" | "false" | "force" } | { refused: string } {
  const requested = input.requested?.trim() ?? "";
  if (requested === "") return { value: input.embedded ? "true" : "false" };
  if (requested === "force") return { value: "force" };
  if (requested === "true" || requested === "1") return input.embedded ? { value: "true" } : { refused: refusal };
  return { value: "false" };
}

/** As devSignIn, but off where it would refuse (the portal did not start then; this is for request-time reads). */
export function devSignInOrOff(e: Pick<Env, "PORTAL_DEV_SIGN_IN" | "DATABASE_URL" | "PORTAL_EMBEDDED_DATABASE">): DevSignIn {
  try {
    return devSignIn(e);
  } catch {
    return { enabled: false, forced: false };
  }
}
