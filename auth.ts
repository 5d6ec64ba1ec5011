import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { authConfig } from "./auth.config";
import { env, oidcConfigured } from "./lib/env";
import { db } from "./lib/db";
import { log } from "./lib/log";

class PersonUnavailable extends CredentialsSignin {
  override code = "person_unavailable";
}

function providers(): Provider[] {
  const e = env();
  const list: Provider[] = [];
  if (e.PORTAL_DEV_SIGN_IN) {
    // Embedded default only: sign in as a seeded person, no password. Off unless PORTAL_DEV_SIGN_IN=true.
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
    async jwt({ token, user, account }) {
      if (user && account?.provider === "oidc" && user.email) {
        const person = await db().person.findUnique({ where: { email: user.email.toLowerCase() } });
        if (person) token.sub = person.id;
      } else if (user?.id) {
        token.sub = user.id;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
}));

export function signInMethods() {
  const e = env();
  return { seededPeople: e.PORTAL_DEV_SIGN_IN, oidc: oidcConfigured(e) };
}
