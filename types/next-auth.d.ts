import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; email?: string | null; name?: string | null };
    /** The person's session version when this session was issued (lib/auth/session-state.ts). */
    sessionVersion?: number;
    /** Sign-in time and last recorded activity, in seconds since the epoch. */
    authTime?: number;
    lastSeen?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    sv?: number;
    authTime?: number;
    lastSeen?: number;
  }
}
