/**
 * The origin the browser (or the proxy in front) addressed: X-Forwarded-Host / Host and X-Forwarded-Proto, as
 * Auth.js itself reads them with AUTH_TRUST_HOST; the request URL's own origin when there is no usable host.
 * `next start` reports `localhost` in route handlers' URLs whatever the Host was, so Auth.js built OIDC callback
 * URLs for another host than the one the sign-in started on, and the provider refused the code exchange.
 */
export function browserOrigin(headers: Headers, requestUrl: string): string {
  const own = new URL(requestUrl);
  const host = (headers.get("x-forwarded-host") ?? headers.get("host"))?.split(",")[0].trim();
  const proto = headers.get("x-forwarded-proto")?.split(",")[0].trim() || own.protocol.replace(/:$/, "");
  if (!host || !/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(host) || !/^https?$/.test(proto)) return own.origin;
  return `${proto}://${host}`;
}
