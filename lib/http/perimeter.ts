/**
 * The checks every JSON route handler makes before it trusts a request, framework-free so they are unit-tested
 * directly: is the request from the portal's own pages (CSRF), is it JSON, and is it small enough. Applied by
 * lib/next/json-route.ts in this order: origin, session, content type, size, parse — so a body is never read for
 * a request that would be refused anyway.
 */

export type PerimeterFailure = { status: 400 | 403 | 413 | 415; code: string; message: string };

/** Body limits in bytes: small for actions, larger where people paste text (RCA, evidence) or Alertmanager batches. */
export const BODY_LIMITS = { action: 16 * 1024, text: 256 * 1024, webhook: 1024 * 1024 } as const;

/**
 * Cross-site request forgery: a browser always sends `Origin` on a cross-origin POST, and `Sec-Fetch-Site` on
 * every request; SameSite=Lax alone lets a sibling subdomain through. A request that carries neither comes from a
 * program (curl, automation), which cannot ride on a person's cookie.
 */
export function crossSiteRefusal(headers: Headers, ownHosts: readonly string[]): PerimeterFailure | null {
  const origin = headers.get("origin");
  if (origin !== null) {
    let host: string | null = null;
    try {
      host = origin === "null" ? null : new URL(origin).host;
    } catch {
      host = null;
    }
    if (host && ownHosts.includes(host)) return null;
    return { status: 403, code: "FORBIDDEN_ORIGIN", message: "This request did not come from the portal's own pages (Origin), so it was refused." };
  }
  const site = headers.get("sec-fetch-site");
  if (site === null || site === "same-origin" || site === "none") return null;
  return { status: 403, code: "FORBIDDEN_ORIGIN", message: "This request did not come from the portal's own pages (Sec-Fetch-Site), so it was refused." };
}

/** The hosts this portal answers as: the request's own (Host, or the proxy's X-Forwarded-Host) and PORTAL_URL's. */
export function ownHosts(headers: Headers, portalUrl: string | undefined): string[] {
  const hosts = [headers.get("x-forwarded-host")?.split(",")[0].trim(), headers.get("host")].filter((h): h is string => Boolean(h));
  if (portalUrl) {
    try {
      hosts.push(new URL(portalUrl).host);
    } catch {
      // a malformed PORTAL_URL is reported by lib/env.ts; it simply adds no host here
    }
  }
  return hosts;
}

/** `application/json` or any `+json` type, with or without parameters. */
export function jsonContentTypeRefusal(contentType: string | null): PerimeterFailure | null {
  const type = contentType?.split(";")[0].trim().toLowerCase() ?? "";
  if (type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return null;
  return { status: 415, code: "UNSUPPORTED_MEDIA_TYPE", message: "Send the body as JSON, with Content-Type: application/json." };
}

const tooLarge = (limit: number): PerimeterFailure => ({
  status: 413,
  code: "TOO_LARGE",
  message: `The body is larger than this endpoint accepts (${Math.round(limit / 1024)} KiB).`,
});

/**
 * Reads at most `limit` bytes: refuses at once when Content-Length says more, and stops reading (cancelling the
 * stream) as soon as a body without a length, or with a false one, goes past the limit.
 */
export async function readCapped(body: ReadableStream<Uint8Array> | null, contentLength: string | null, limit: number): Promise<{ text: string } | PerimeterFailure> {
  if (contentLength !== null && Number(contentLength) > limit) return tooLarge(limit);
  if (!body) return { text: "" };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString("utf8") };
}

/** JSON.parse that answers 400 with the reason instead of throwing. */
export function parseJson(text: string): { value: unknown } | PerimeterFailure {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { status: 400, code: "INVALID", message: "The body must be JSON." };
  }
}
