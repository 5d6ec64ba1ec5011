import type { NextAuthConfig } from "next-auth";

/**
 * The part of the Auth.js configuration that needs no database: used by proxy.ts to tell signed-in requests
 * from anonymous ones. Providers and the database checks live in auth.ts.
 */
export const authConfig = {
  pages: { signIn: "/signin", error: "/signin" },
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  trustHost: true,
  providers: [],
  callbacks: {
    authorized({ auth }) {
      return Boolean(auth?.user);
    },
  },
} satisfies NextAuthConfig;
