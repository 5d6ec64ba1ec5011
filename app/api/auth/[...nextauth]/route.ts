import type { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { sourceOf } from "@/lib/http/anonymous-refusals";
import { LIMITS } from "@/lib/http/rate-limit";
import { rateLimited } from "@/lib/next/json-route";

export const { GET } = handlers;

/** Sign-in attempts (and every other Auth.js POST) are limited per source, in PostgreSQL so every replica counts. */
export async function POST(req: NextRequest) {
  const limited = await rateLimited(LIMITS.signIn, sourceOf(req.headers), "sign-in attempts from here this minute");
  return limited ?? handlers.POST(req);
}
