import type { NextRequest } from "next/server";
import { handlers } from "@/auth";
import { sourceOf } from "@/lib/http/anonymous-refusals";
import { browserOrigin } from "@/lib/http/request-origin";
import { LIMITS } from "@/lib/http/rate-limit";
import { rateLimited } from "@/lib/next/json-route";

/**
 * The request as the browser addressed it, so the OIDC callback URL Auth.js computes here matches the one it sent
 * to the provider when the sign-in started (built from the Host header). Next.js reports 127.0.0.1 and [::1] as
 * `localhost` in a NextRequest's URL, which made the provider refuse the code exchange for a portal opened at
 * http://127.0.0.1; a plain Request keeps the address. AUTH_URL, when set, wins (Auth.js applies it itself).
 */
function asAddressed(req: NextRequest): NextRequest {
  if (process.env.AUTH_URL) return req;
  const origin = browserOrigin(req.headers, req.url);
  if (origin === req.nextUrl.origin) return req;
  const init: RequestInit & { duplex?: "half" } = { method: req.method, headers: req.headers, body: req.body, duplex: "half" };
  // Auth.js reads only the standard Request API (and nextUrl only with AUTH_URL, handled above).
  return new Request(new URL(req.nextUrl.pathname + req.nextUrl.search, origin), init) as NextRequest;
}

export function GET(req: NextRequest) {
  return handlers.GET(asAddressed(req));
}

/** Sign-in attempts (and every other Auth.js POST) are limited per source, in PostgreSQL so every replica counts. */
export async function POST(req: NextRequest) {
  const limited = await rateLimited(LIMITS.signIn, sourceOf(req.headers), "sign-in attempts from here this minute");
  return limited ?? handlers.POST(asAddressed(req));
}
