import type { Metadata } from "next";
import { signInMethods } from "@/auth";
import { db, isDatabaseUnavailable } from "@/lib/db";
import { env } from "@/lib/env";
import { ROLE_LABELS, isRole } from "@/lib/auth/roles";
import { buttonClass } from "@/components/ui/button";
import { signInWithOidc } from "@/lib/next/actions/auth";
import { SeededPeopleList } from "./seeded-people-list";
import { DevSignInNotice } from "@/components/shell/dev-sign-in-banner";
import { devSignInOrOff } from "@/lib/auth/dev-sign-in";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

function errorMessages(): Record<string, string> {
  const { AUTH_SESSION_IDLE_MINUTES: idle, AUTH_SESSION_MAX_HOURS: max, PORTAL_ACCESS_CONTACT: contact } = env();
  return {
    disabled: "Your account has been disabled, so you were signed out. Ask an administrator if this is unexpected.",
    "unknown-person": "Your account no longer exists in the portal, so you were signed out.",
    revoked: "Your session was ended: you signed out (here or on another device), or your access to the portal changed. Sign in again.",
    idle: `You were signed out after ${idle} minutes without activity. Sign in again.`,
    expired: `Your session reached its ${max}-hour limit. Sign in again.`,
    "oidc-no-role": `You signed in with your company account, but none of your groups gives access to the portal and no role has been granted to you here. Ask ${contact} for access.`,
    "oidc-email-unverified": `Your identity provider does not confirm that your email address is verified, so the portal cannot match it to a portal account. Verify it with your identity provider, or ask ${contact}.`,
    "oidc-identity-conflict": `The portal account with your email address is bound to a different company account. Ask ${contact} to check it.`,
    "oidc-no-email": `Your identity provider sent no email address, so the portal cannot tell who you are. Ask ${contact}.`,
    "oidc-disabled": `Your portal account is disabled. Ask ${contact} if this is unexpected.`,
    AccessDenied: `The sign-in was refused (the portal's log says why). Ask ${contact} if this is unexpected.`,
    OAuthCallbackError: "Your identity provider answered with an error, or the sign-in was interrupted. Try again.",
    Configuration: "Single sign-on is not working: the portal could not complete the exchange with the identity provider. Its log says why.",
    CredentialsSignin: "That person cannot sign in.",
  };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  const methods = signInMethods();
  let people: { email: string; name: string; roles: string[] }[] = [];
  let dbDown = false;
  if (methods.seededPeople) {
    try {
      people = await db().person.findMany({ where: { disabled: false }, orderBy: [{ name: "asc" }], select: { email: true, name: true, roles: true } });
    } catch (e) {
      if (!isDatabaseUnavailable(e)) throw e;
      dbDown = true;
    }
  }
  return (
    <>
    {devSignInOrOff(env()).forced && <DevSignInNotice />}
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-4 py-12">
      <h1 className="text-2xl font-semibold tracking-tight">Ops Portal</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">Runbooks, runs, live panels and audit for the Multi-LLM Orchestrator.</p>
      {error && (
        <p role="alert" className="mt-6 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
          {errorMessages()[error] ?? "Sign-in failed."}
        </p>
      )}
      {dbDown && (
        <p role="alert" className="mt-6 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
          The portal&apos;s database is unreachable, so nobody can sign in right now. /api/health shows its state.
        </p>
      )}
      {methods.oidc && (
        <form action={signInWithOidc} className="mt-8">
          <input type="hidden" name="callbackUrl" value={callbackUrl ?? ""} />
          <button className={buttonClass("primary", "w-full py-2")}>Sign in with {methods.oidcName}</button>
        </form>
      )}
      {methods.seededPeople && !dbDown && (
        <section className="mt-8">
          <h2 className="text-sm font-semibold">Sign in as a seeded person</h2>
          <p className="mt-1 text-xs text-zinc-500">Embedded default only: no password. Turned off in production (PORTAL_DEV_SIGN_IN).</p>
          <SeededPeopleList
            callbackUrl={callbackUrl ?? ""}
            people={people.map((p) => ({ email: p.email, name: p.name, roles: p.roles.filter(isRole).map((r) => ROLE_LABELS[r]) }))}
          />
        </section>
      )}
      {!methods.oidc && !methods.seededPeople && (
        <p className="mt-8 text-sm text-zinc-600">
          No sign-in method is configured. Set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET (see the README).
        </p>
      )}
    </main>
    </>
  );
}
