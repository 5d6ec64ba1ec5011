import type { Metadata } from "next";
import { listRunbooks } from "@/lib/runbooks";
import { toEntry } from "@/lib/runbooks/search";
import { layoutDependencyGraph } from "@/lib/runbooks/graph";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { RunbookIndex } from "@/components/runbooks/runbook-index";
import { DependencyGraph } from "@/components/runbooks/dependency-graph";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { openGapCounts } from "@/lib/followups/read";
import { reviewStates } from "@/lib/reviews/read";
import { paths } from "@/lib/paths";
import type { RunbookMaintenance } from "@/components/runbooks/runbook-index";

export const metadata: Metadata = { title: "Runbooks" };
// Rendered per request, so its scripts carry the response's CSP nonce (proxy.ts; cost in docs/benchmarks.md).
export const dynamic = "force-dynamic";

/**
 * The runbook index: search, filters, the by-severity and by-category views, and the dependency graph.
 * Searching happens in the browser.
 */
export default async function RunbookIndexPage() {
  await requireActor("runbook.view");
  const runbooks = listRunbooks();
  const [reviews, gaps] = await Promise.all([reviewStates(), openGapCounts()]);
  const maintenance: Record<string, RunbookMaintenance> = Object.fromEntries(
    runbooks.map((rb) => [rb.id, { lastReview: reviews[rb.id].last, nextReview: reviews[rb.id].next, overdue: reviews[rb.id].overdue, cadence: reviews[rb.id].cadence, openGaps: gaps[rb.id] ?? 0 }]),
  );
  return (
    <>
      <PageHeader title="Runbooks" description="In an incident, follow the runbook step by step. Do not improvise; escalate early." />
      <RunbookIndex entries={runbooks.map(toEntry)} maintenance={maintenance} />
      {/* A link of its own, not running text: on a phone it is a 44 px tap target (app/globals.css). */}
      <div className="mt-3 text-sm">
        <Link href={paths.runbookMonthlyReview()} className="text-indigo-700 hover:underline dark:text-indigo-300">
          Monthly review: the past month&apos;s incidents, runs and open runbook gaps per runbook
        </Link>
      </div>
      <Card title="Dependencies" className="mt-8">
        <DependencyGraph layout={layoutDependencyGraph(runbooks)} />
      </Card>
    </>
  );
}
