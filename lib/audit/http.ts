/**
 * Small helpers for the audit API's route handlers: JSON with bigints as strings, and download names (refusals:
 * lib/http/read-access.ts). Web-standard Response only, so lib code stays framework-free.
 */

export function json(value: unknown, init: ResponseInit = {}): Response {
  const body = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return new Response(body, { ...init, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "private, no-store", ...(init.headers ?? {}) } });
}

/** A download's Content-Disposition (ASCII file name). */
export function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`;
}
