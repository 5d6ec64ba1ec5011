/**
 * The HTTP request histogram for every request the server answers (pages, server actions, route handlers, static
 * files), by route pattern. Next.js gives no hook after a response, so the instrumentation hook wraps the Node HTTP
 * server's `request` event once per process; the path is mapped to the app's route pattern (`/runs/[id]`) from the
 * build's routes manifest, so the number of series is bounded by the number of routes, whatever paths callers send.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { portalMetrics } from "./registry";

type ManifestRoute = { page: string; regex: string };
export type RouteTable = { statics: Set<string>; dynamics: { page: string; regex: RegExp }[] };

/** Reads the route table from a build's routes-manifest.json (empty when there is no build, e.g. in tests). */
// turbopackIgnore: the manifest is read at run time from the server's own build; without it, the bundler traces the
// whole project (tests, reports, e2e) into the standalone output.
export function loadRouteTable(distDir = path.join(/*turbopackIgnore: true*/ process.cwd(), process.env.NEXT_DIST_DIR ?? ".next")): RouteTable {
  try {
    const manifest = JSON.parse(readFileSync(path.join(distDir, "routes-manifest.json"), "utf8")) as { staticRoutes?: ManifestRoute[]; dynamicRoutes?: ManifestRoute[] };
    return {
      statics: new Set((manifest.staticRoutes ?? []).map((r) => r.page)),
      dynamics: (manifest.dynamicRoutes ?? []).map((r) => ({ page: r.page, regex: new RegExp(r.regex) })),
    };
  } catch {
    return { statics: new Set(), dynamics: [] };
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The route pattern a request path belongs to, or "unmatched" (nothing an attacker sends makes a new series). */
export function routeOf(url: string | undefined, table: RouteTable): string {
  let pathname = (url ?? "/").split("?")[0] || "/";
  if (pathname.startsWith("/_next/static/")) return "/_next/static";
  if (pathname.startsWith("/_next/image")) return "/_next/image";
  if (pathname.startsWith("/_next/")) return "/_next";
  if (pathname.length > 1 && pathname.endsWith("/")) pathname = pathname.slice(0, -1);
  try {
    pathname = decodeURI(pathname);
  } catch {
    return "unmatched";
  }
  if (table.statics.has(pathname)) return pathname;
  for (const d of table.dynamics) if (d.regex.test(pathname)) return d.page;
  return "unmatched";
}

/** Starts timing every request of every HTTP server in this process (once, however often it is called). */
export function instrumentHttpServers(table: RouteTable = loadRouteTable()): void {
  const g = globalThis as { portalHttpInstrumented?: boolean };
  if (g.portalHttpInstrumented) return;
  g.portalHttpInstrumented = true;
  const histogram = portalMetrics().httpDuration;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      const started = process.hrtime.bigint();
      res.once("close", () => {
        try {
          const method = METHODS.has(req.method ?? "") ? req.method! : "OTHER";
          histogram.observe({ route: routeOf(req.url, table), method, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
        } catch {
          // Never let a metric break a response.
        }
      });
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
