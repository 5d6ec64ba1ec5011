import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { routeAction } from "@/lib/next/json-route";
import { startRunAction } from "@/lib/runs/start-run";
import { paths } from "@/lib/paths";

export const dynamic = "force-dynamic";

/** Starts a run (JSON API for automation and the same path the page's server action takes). */
export const POST = routeAction({ endpoint: "POST /api/runs", maxBytes: BODY_LIMITS.action, rateLimit: LIMITS.action }, startRunAction, {
  status: () => 201,
  body: (result) => ({ ...result, url: paths.run(result.data.runId) }),
});
