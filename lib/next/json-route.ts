import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { sessionLifetime } from "../auth/lifetime";
import { currentActor } from "../auth/session";
import { readSessionToken, refreshedSessionCookie } from "../auth/session-token";
import { env } from "../env";
import type { Actor } from "../auth/roles";
import { db } from "../db";
import { poolOf } from "../db-connection";
import { pgRunner } from "../sql";
import { readRefusal } from "../http/read-access";
import { crossSiteRefusal, jsonContentTypeRefusal, ownHosts, parseJson, readCapped, type PerimeterFailure } from "../http/perimeter";
import { hit, type RateLimit } from "../http/rate-limit";
import { executeAction, type AnyActionDefinition } from "../actions/safe-action";
import { HTTP_STATUS, type ActionSuccess } from "../actions/result";
import type { z } from "zod";

export type JsonRouteOptions = {
  /** Names the endpoint in logs and refusal summaries, e.g. "POST /api/runs". */
  endpoint: string;
  /** Largest body accepted, in bytes (BODY_LIMITS); a larger one gets 413 before anything is parsed. */
  maxBytes: number;
  /** Counted per person after the session check, before the body is read. */
  rateLimit?: RateLimit;
};

export const refuse = (f: PerimeterFailure, headers?: HeadersInit) => NextResponse.json({ ok: false, code: f.code, message: f.message }, { status: f.status, headers });

/** 429 with Retry-After, and the same shape as every other refusal. */
export function tooManyRequests(retryAfterSeconds: number, what: string) {
  return NextResponse.json(
    { ok: false, code: "RATE_LIMITED", message: `Too many ${what}. Try again in ${retryAfterSeconds} s.` },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}

/** Counts one hit against `limit` for `subject`; a 429 response when over it. */
export async function rateLimited(limit: RateLimit, subject: string, what: string): Promise<NextResponse | null> {
  // One self-contained upsert: no transaction around it (BEGIN, SET LOCAL and COMMIT were three extra round trips on
  // every JSON action).
  const decision = await hit(pgRunner(poolOf(db())!), limit, subject);
  return decision.allowed ? null : tooManyRequests(decision.retryAfterSeconds, what);
}

/**
 * A JSON route handler for a signed-in person that changes state. In order, before the handler runs: the request
 * comes from the portal's own pages (403), someone is signed in (401; the body is never read, and the refusal
 * goes to the log and at most a per-minute audit summary), the person is within the rate limit (429), the body is
 * JSON (415) and small enough (413), and it parses (400). The handler then runs the action, which checks the
 * permission and writes the audit event.
 */
export function jsonRoute<P>(options: JsonRouteOptions, handler: (input: { actor: Actor; body: unknown; text: string; req: NextRequest }, context: P) => Promise<Response>) {
  return async (req: NextRequest, context: P): Promise<Response> => {
    const crossSite = crossSiteRefusal(req.headers, ownHosts(req.headers, process.env.PORTAL_URL));
    if (crossSite) return refuse(crossSite);
    const actor = await currentActor().catch(() => null);
    // The same 401 as every reading route (logged, counted, at most one audit summary per source a minute).
    if (!actor) return (await readRefusal(null, null, options.endpoint, req.headers))!;
    if (options.rateLimit) {
      const limited = await rateLimited(options.rateLimit, actor.id, "requests from you this minute");
      if (limited) return limited;
    }
    const body = await readJsonBody(req, options.maxBytes);
    if ("status" in body) return refuse(body);
    return withRefreshedSession(req, await handler({ actor, body: body.value, text: body.text, req }, context));
  };
}

/** How routeAction builds the action's input and its answer; each has a default. */
export type RouteActionOptions<T, C> = {
  /** The action's input from the body (default: the parsed body) and the route's context (its params). */
  input?: (request: { body: unknown; text: string }, context: C) => unknown | Promise<unknown>;
  /** The status of a success (default 200). */
  status?: (data: T) => number;
  /** The body of a success (default: the result itself). */
  body?: (result: ActionSuccess<T>) => unknown;
  /** Serialises the answer (default NextResponse.json; the audit API's `json` writes bigints as strings). */
  respond?: (value: unknown, init: ResponseInit) => Response;
};

/**
 * A JSON route handler that runs one action definition: jsonRoute's checks (Origin, session, rate limit, content
 * type, size cap, JSON), then the action (permission, input, one transaction with its audit event), answered with
 * the action's result and the status of its code (HTTP_STATUS). The route file states only what differs.
 */
export function routeAction<S extends z.ZodType, T, P, C = unknown>(options: JsonRouteOptions, def: AnyActionDefinition<S, T, P>, how: RouteActionOptions<T, C> = {}) {
  const respond = how.respond ?? ((value: unknown, init: ResponseInit) => NextResponse.json(value, init));
  return jsonRoute<C>(options, async ({ actor, body, text }, context) => {
    const result = await executeAction(def, actor, how.input ? await how.input({ body, text }, context) : body);
    if (!result.ok) return respond(result, { status: HTTP_STATUS[result.code] });
    return respond(how.body ? how.body(result) : result, { status: how.status?.(result.data) ?? 200 });
  });
}

/**
 * A change made through the JSON API is activity: the response carries the session re-issued with its time, once
 * a minute (as the proxy does for pages). Polling reads do not pass here, so a page left open stays idle.
 */
async function withRefreshedSession(req: NextRequest, res: Response): Promise<Response> {
  const secret = process.env.AUTH_SECRET;
  const now = Math.floor(Date.now() / 1000);
  const token = await readSessionToken(req.cookies, secret, now);
  const refresh = token && secret ? await refreshedSessionCookie(token, secret, now, sessionLifetime(env())) : null;
  if (!refresh) return res;
  const out = res instanceof NextResponse ? res : new NextResponse(res.body, res);
  out.cookies.set(refresh.set);
  for (const chunk of refresh.clear) out.cookies.delete(chunk);
  return out;
}

/**
 * Content type, size cap and parse (also for routes that authenticate another way, the Alertmanager webhook).
 * An empty body is `undefined` whatever its type: routes whose body is optional (verify the chain) take one.
 */
export async function readJsonBody(req: NextRequest, maxBytes: number): Promise<{ value: unknown; text: string } | PerimeterFailure> {
  if (req.headers.get("content-length") === "0" || !req.body) return { value: undefined, text: "" };
  const type = jsonContentTypeRefusal(req.headers.get("content-type"));
  if (type) return type;
  const read = await readCapped(req.body, req.headers.get("content-length"), maxBytes);
  if ("status" in read) return read;
  if (!read.text.trim()) return { value: undefined, text: "" };
  const parsed = parseJson(read.text);
  return "status" in parsed ? parsed : { value: parsed.value, text: read.text };
}

