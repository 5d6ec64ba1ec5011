import type { Metadata } from "next";
import { signInMethods } from "@/auth";
import { db, isDatabaseUnavailable } from "@/lib/db";
import { env } from "@/lib/env";
import { ROLE_LABELS, isRole } from "@/lib/auth/roles";
import { buttonClass } from "@/components/ui/button";
import { signInWithOidc } from "../actions";
import { SeededPeopleList } from "./seeded-people-list";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

function errorMessages(): Record<string, string> {
  const { AUTH_SESSION_IDLE_MINUTES: idle, AUTH_SESSION_MAX_HOURS: max } = env();
  return {
    disabled: "Your account has been disabled, so you were signed out. Ask an administrator if this is unexpected.",
    "unknown-person": "Your account no longer exists in the portal, so you were signed out.",
    revoked: "Your session was ended: you signed out (here or on another device), or your access to the portal changed. Sign in again.",
    idle: `You were signed out after ${idle} minutes without activity. Sign in again.`,
    expired: `Your session reached its ${max}-hour limit. Sign in again.`,
    AccessDenied: "Your identity provider account is not a portal user (or it is disabled).",
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
          <button className={buttonClass("primary", "w-full py-2")}>Sign in with single sign-on</button>
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
  );
}
