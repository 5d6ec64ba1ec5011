"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "../../../auth";
import { devSignInOrOff } from "../../auth/dev-sign-in";
import { currentActor } from "../../auth/session";
import { endSessions } from "../../auth/session-version";
import { db } from "../../db";
import { env } from "../../env";
import { log } from "../../log";
import { paths } from "../../paths";
import { safeRedirectPath } from "../../safe-redirect";

const signInSchema = z.object({
  email: z.email("Choose a person to sign in as."),
  callbackUrl: z.string().optional(),
});

export type SignInState = { error?: string };

/** Signs in as a seeded person (embedded default only, or forced; lib/auth/dev-sign-in.ts). */
export async function signInAsSeededPerson(_prev: SignInState, form: FormData): Promise<SignInState> {
  if (!devSignInOrOff(env()).enabled) return { error: "Signing in as a seeded person is turned off on this portal." };
  const parsed = signInSchema.safeParse({ email: form.get("email"), callbackUrl: form.get("callbackUrl") ?? undefined });
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid sign-in." };
  try {
    await signIn("seeded-person", { email: parsed.data.email, redirect: false });
  } catch (e) {
    if (e instanceof AuthError) return { error: "That person cannot sign in (unknown or disabled)." };
    log.error("auth.signin.failed", { err: e });
    return { error: "Sign-in failed. Try again." };
  }
  redirect(safeRedirectPath(parsed.data.callbackUrl));
}

/** Signs in through the configured OpenID Connect provider. */
export async function signInWithOidc(form: FormData) {
  await signIn("oidc", { redirectTo: safeRedirectPath(String(form.get("callbackUrl") ?? "")) });
}

/** Signs out and ends every session of the person (other devices and saved copies of the cookie included). */
export async function signOutAction() {
  const actor = await currentActor().catch(() => null);
  if (actor) {
    await endSessions(db(), actor.id);
    log.info("auth.signout", { personId: actor.id });
  }
  await signOut({ redirectTo: paths.signIn() });
}
