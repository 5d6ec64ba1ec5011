import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { authorizeScrape, metricsAccess } from "@/lib/metrics/access";
import { collectScrapeTimeMetrics } from "@/lib/metrics/collect";
import { countAnonymousRefusal } from "@/lib/metrics/record";
import { portalMetrics } from "@/lib/metrics/registry";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const headers = { "Cache-Control": "no-store" };

/**
 * Prometheus metrics in the text exposition format (docs/operations.md). Bearer PORTAL_METRICS_TOKEN; without it
 * open on the embedded default only, 404 elsewhere. A refused scrape goes to the log and a counter, not the audit
 * chain (a misconfigured scraper would otherwise write an event every 15 s).
 */
export async function GET(req: Request) {
  const decision = authorizeScrape(req.headers.get("authorization"), metricsAccess(env()));
  if (!decision.ok) {
    countAnonymousRefusal("GET /metrics", decision.reason);
    log.warn("metrics.scrape_refused", { reason: decision.reason });
    return new Response(`${decision.message}\n`, {
      status: decision.status,
      headers: { ...headers, "Content-Type": "text/plain; charset=utf-8", ...(decision.status === 401 ? { "WWW-Authenticate": 'Bearer realm="portal-metrics"' } : {}) },
    });
  }
  await collectScrapeTimeMetrics();
  const { registry } = portalMetrics();
  return new Response(await registry.metrics(), { headers: { ...headers, "Content-Type": registry.contentType } });
}
