import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { authConfig } from "./auth.config";
import { devSignInOrOff } from "./lib/auth/dev-sign-in";
import { env, oidcConfigured } from "./lib/env";
import { db } from "./lib/db";
import { log } from "./lib/log";

class PersonUnavailable extends CredentialsSignin {
  override code = "person_unavailable";
}

function providers(): Provider[] {
  const e = env();
  const list: Provider[] = [];
  if (devSignInOrOff(e).enabled) {
    // Embedded default (or forced, with a banner): sign in as a seeded person, no password (lib/auth/dev-sign-in.ts).
    list.push(
      Credentials({
        id: "seeded-person",
        name: "Seeded person",
        credentials: { email: { label: "Email", type: "email" } },
        async authorize(raw) {
          const parsed = z.object({ email: z.email() }).safeParse(raw);
          if (!parsed.success) throw new PersonUnavailable();
          const person = await db().person.findUnique({ where: { email: parsed.data.email.toLowerCase() } });
          if (!person || person.disabled) {
            log.warn("auth.signin.refused", { email: parsed.data.email, reason: person ? "disabled" : "unknown" });
            throw new PersonUnavailable();
          }
          log.info("auth.signin", { personId: person.id, provider: "seeded-person" });
          return { id: person.id, email: person.email, name: person.name };
        },
      }),
    );
  }
  if (oidcConfigured(e)) {
    list.push({
      id: "oidc",
      name: process.env.AUTH_OIDC_NAME ?? "Single sign-on",
      type: "oidc",
      issuer: e.AUTH_OIDC_ISSUER,
      clientId: e.AUTH_OIDC_CLIENT_ID,
      clientSecret: e.AUTH_OIDC_CLIENT_SECRET,
    });
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: process.env.AUTH_SECRET,
  providers: providers(),
  callbacks: {
    ...authConfig.callbacks,
    /** Only people the portal knows (and who are not disabled) may sign in with the identity provider. */
    async signIn({ user, account }) {
      if (account?.provider !== "oidc") return true;
      const email = user.email?.toLowerCase();
      const person = email ? await db().person.findUnique({ where: { email } }) : null;
      if (!person || person.disabled) {
        log.warn("auth.signin.refused", { email, provider: "oidc", reason: person ? "disabled" : "unknown" });
        return false;
      }
      log.info("auth.signin", { personId: person.id, provider: "oidc" });
      return true;
    },
    /** At sign-in: the token names the person and carries their session version and the sign-in time. */
    async jwt({ token, user, account, trigger }) {
      if (trigger !== "signIn" && trigger !== "signUp") return token;
      let person: { id: string; sessionVersion: number } | null = null;
      if (account?.provider === "oidc" && user?.email) {
        person = await db().person.findUnique({ where: { email: user.email.toLowerCase() }, select: { id: true, sessionVersion: true } });
      } else if (user?.id) {
        person = await db().person.findUnique({ where: { id: user.id }, select: { id: true, sessionVersion: true } });
      }
      if (!person) throw new Error("The person who signed in could not be found again.");
      const now = Math.floor(Date.now() / 1000);
      return { ...token, sub: person.id, sv: person.sessionVersion, authTime: now, lastSeen: now };
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sessionVersion = token.sv;
      session.authTime = token.authTime;
      session.lastSeen = token.lastSeen;
      return session;
    },
  },
}));

export function signInMethods() {
  const e = env();
  return { seededPeople: devSignInOrOff(e).enabled, oidc: oidcConfigured(e) };
}
