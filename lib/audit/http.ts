/**
 * Small helpers for the audit API's route handlers: JSON with bigints as strings, and the refusals every route
 * answers the same way. Web-standard Response only, so lib code stays framework-free.
 */
import type { Actor } from "../auth/roles";
import { can, type Permission } from "../auth/permissions";
import { log } from "../log";

export function json(value: unknown, init: ResponseInit = {}): Response {
  const body = JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return new Response(body, { ...init, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "private, no-store", ...(init.headers ?? {}) } });
}

/** 401 without a person, 403 (logged) without the permission; null when the caller may go on. */
export function refuse(actor: Actor | null, permission: Permission, route: string): Response | null {
  if (!actor) return json({ ok: false, code: "UNAUTHENTICATED", message: "Sign in to read the audit log." }, { status: 401 });
  if (!can(actor, permission)) {
    log.warn("route.refused", { route, actorId: actor.id, permission });
    return json({ ok: false, code: "FORBIDDEN", message: "You do not have permission to do this." }, { status: 403 });
  }
  return null;
}

/** A download's Content-Disposition (ASCII file name). */
export function attachment(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, "_")}"`;
}
