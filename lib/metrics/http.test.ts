import http from "node:http";
import { describe, expect, it } from "vitest";
import { instrumentHttpServers, routeOf, type RouteTable } from "./http";
import { portalMetrics } from "./registry";

// As in a build's routes-manifest.json (route groups are not part of the page).
const table: RouteTable = {
  statics: new Set(["/", "/runbooks", "/api/health", "/metrics"]),
  dynamics: [
    { page: "/runs/[id]", regex: /^\/runs\/([^/]+?)(?:\/)?$/ },
    { page: "/api/runs/[id]/steps/[stepId]", regex: /^\/api\/runs\/([^/]+?)\/steps\/([^/]+?)(?:\/)?$/ },
  ],
};

describe("route patterns for the request histogram", () => {
  it("maps paths to their route pattern, never to the raw path", () => {
    expect(routeOf("/", table)).toBe("/");
    expect(routeOf("/runbooks?q=x", table)).toBe("/runbooks");
    expect(routeOf("/runbooks/", table)).toBe("/runbooks");
    expect(routeOf("/runs/0b6f4a8e-3a38-4f43-9d59-0d1f2c3b4a5e?_rsc=1", table)).toBe("/runs/[id]");
    expect(routeOf("/api/runs/abc/steps/check-it", table)).toBe("/api/runs/[id]/steps/[stepId]");
    expect(routeOf("/_next/static/chunks/x.js", table)).toBe("/_next/static");
    expect(routeOf("/_next/image?url=x", table)).toBe("/_next/image");
  });

  it("puts everything unknown into one series", () => {
    for (const p of ["/wp-admin", "/runs/a/b/c", "/%E0%A4%A", "/" + "x".repeat(500)]) expect(routeOf(p, table), p).toBe("unmatched");
    expect(routeOf(undefined, { statics: new Set(), dynamics: [] })).toBe("unmatched");
  });

  it("times each request of a real HTTP server by pattern, method and status", async () => {
    instrumentHttpServers(table);
    const server = http.createServer((req, res) => {
      res.statusCode = req.url?.startsWith("/runs/") ? 404 : 200;
      res.end("x");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      await fetch(`http://127.0.0.1:${port}/runs/1234`);
      await fetch(`http://127.0.0.1:${port}/runs/5678`);
      await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST" });
      await fetch(`http://127.0.0.1:${port}/nope`, { method: "PROPFIND" });
    } finally {
      await new Promise((r) => server.close(r));
    }
    await new Promise((r) => setTimeout(r, 50));
    const text = await portalMetrics().registry.getSingleMetricAsString("portal_http_request_duration_seconds");
    expect(text).toContain('portal_http_request_duration_seconds_count{route="/runs/[id]",method="GET",status="404"} 2');
    expect(text).toContain('portal_http_request_duration_seconds_count{route="/metrics",method="POST",status="200"} 1');
    expect(text).toContain('portal_http_request_duration_seconds_count{route="unmatched",method="OTHER",status="200"} 1');
    expect(text).not.toContain("1234");
  });
});
