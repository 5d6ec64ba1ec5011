import type { NextAuthConfig } from "next-auth";
import { sessionLifetime } from "./lib/auth/lifetime";
import { env } from "./lib/env";

/**
 * The part of the Auth.js configuration that needs no database: used by proxy.ts to tell signed-in requests
 * from anonymous ones. Providers and the database checks live in auth.ts.
 */
export const authConfig = {
  pages: { signIn: "/signin", error: "/signin" },
  // The token's own expiry is the absolute lifetime; the idle limit is checked on every request (lib/auth/lifetime.ts).
  session: { strategy: "jwt", maxAge: sessionLifetime(env()).maxSeconds },
  trustHost: true,
  providers: [],
  callbacks: {
    authorized({ auth }) {
      return Boolean(auth?.user);
    },
  },
} satisfies NextAuthConfig;
