import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { z } from "zod";
import { authConfig } from "./auth.config";
import { devSignInOrOff } from "./lib/auth/dev-sign-in";
import { mergeOidcClaims } from "./lib/auth/oidc-claims";
import { signInWithOidcClaims } from "./lib/auth/oidc-sign-in";
import { env, oidcConfigured } from "./lib/env";
import { db } from "./lib/db";
import { log } from "./lib/log";
import { countSignIn } from "./lib/metrics/record";

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
          if (!parsed.success) {
            countSignIn("seeded-person", "refused");
            throw new PersonUnavailable();
          }
          const person = await db().person.findUnique({ where: { email: parsed.data.email.toLowerCase() } });
          if (!person || person.disabled) {
            log.warn("auth.signin.refused", { provider: "seeded-person", email: parsed.data.email, reason: person ? "disabled" : "unknown-email" });
            countSignIn("seeded-person", "refused");
            throw new PersonUnavailable();
          }
          await db().person.update({ where: { id: person.id }, data: { lastSignInAt: new Date() } });
          log.info("auth.signin", { personId: person.id, provider: "seeded-person" });
          countSignIn("seeded-person", "success");
          return { id: person.id, email: person.email, name: person.name };
        },
      }),
    );
  }
  if (oidcConfigured(e)) {
    list.push({
      id: "oidc",
      name: e.AUTH_OIDC_NAME,
      type: "oidc",
      issuer: e.AUTH_OIDC_ISSUER,
      clientId: e.AUTH_OIDC_CLIENT_ID,
      clientSecret: e.AUTH_OIDC_CLIENT_SECRET,
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: e.AUTH_OIDC_SCOPES } },
      // Also ask userinfo: conformant providers put email and groups only there (lib/auth/oidc-claims.ts).
      idToken: false,
    });
  }
  return list;
}

/** The person an OIDC sign-in was decided for (signIn callback), found again by issuer and subject. */
async function oidcPerson(account: { id_token?: string; providerAccountId: string }) {
  const { iss } = mergeOidcClaims(account.id_token, null);
  return db().person.findUnique({
    where: { oidcIssuer_oidcSubject: { oidcIssuer: String(iss), oidcSubject: account.providerAccountId } },
    select: { id: true, sessionVersion: true },
  });
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  ...authConfig,
  secret: process.env.AUTH_SECRET,
  providers: providers(),
  // Auth.js's own errors (a provider's error answer, a state or nonce that does not match) into the structured log.
  logger: {
    error(error: Error & { type?: string; cause?: unknown }) {
      const cause = error.cause instanceof Error ? error.cause.message : error.cause;
      log.error("auth.error", { type: error.type ?? error.name, message: error.message, cause });
    },
    warn(code: string) {
      log.warn("auth.warning", { code });
    },
    debug() {},
  },
  callbacks: {
    ...authConfig.callbacks,
    /**
     * An OIDC sign-in is decided against the portal's people (lib/auth/oidc-sign-in.ts): known identity, first
     * link by verified email, or just-in-time creation from a mapped group. A refusal is logged with its detail
     * and sent to the sign-in page, which says why and whom to ask.
     */
    async signIn({ account, profile }) {
      if (account?.provider !== "oidc") return true;
      const e = env();
      const claims = mergeOidcClaims(account.id_token, profile as Record<string, unknown> | undefined);
      const result = await signInWithOidcClaims(db(), claims, { rolesClaim: e.AUTH_OIDC_ROLES_CLAIM, roleMap: e.AUTH_OIDC_ROLE_MAP, trustEmail: e.AUTH_OIDC_TRUST_EMAIL });
      if (!result.ok) {
        log.warn("auth.signin.refused", { provider: "oidc", reason: result.reason, detail: result.detail });
        countSignIn("oidc", "refused");
        return `/signin?error=${result.reason}`;
      }
      log.info("auth.signin", { personId: result.personId, provider: "oidc", created: result.created });
      countSignIn("oidc", "success");
      return true;
    },
    /** At sign-in: the token names the person and carries their session version and the sign-in time. */
    async jwt({ token, user, account, trigger }) {
      if (trigger !== "signIn" && trigger !== "signUp") return token;
      let person: { id: string; sessionVersion: number } | null = null;
      if (account?.provider === "oidc") {
        person = await oidcPerson(account);
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
  return { seededPeople: devSignInOrOff(e).enabled, oidc: oidcConfigured(e), oidcName: e.AUTH_OIDC_NAME };
}
