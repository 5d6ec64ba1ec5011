import type { Metadata } from "next";
import { listRunbooks } from "@/lib/runbooks";
import { toEntry } from "@/lib/runbooks/search";
import { layoutDependencyGraph } from "@/lib/runbooks/graph";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { RunbookIndex } from "@/components/runbooks/runbook-index";
import { DependencyGraph } from "@/components/runbooks/dependency-graph";
import { Link } from "@/components/ui/link";
import { paths } from "@/lib/paths";

export const metadata: Metadata = { title: "Runbooks" };
// Prerendered: the same for everyone, built from the runbooks. The proxy checks the session and the person before
// serving it and allows its scripts by hash (proxy.ts); what changes — reviews, open gaps, drills — and the step text
// for search load in the browser. Every role may view runbooks (lib/auth/permissions.ts), so no per-page check is lost.
export const dynamic = "force-static";

/**
 * The runbook index: search, filters, the by-severity and by-category views, and the dependency graph.
 * Searching happens in the browser.
 */
export default function RunbookIndexPage() {
  const runbooks = listRunbooks();
  return (
    <>
      <PageHeader title="Runbooks" description="In an incident, follow the runbook step by step. Do not improvise; escalate early." />
      <RunbookIndex entries={runbooks.map((rb) => toEntry(rb, false))} />
      {/* A link of its own, not running text: on a phone it is a 44 px tap target (app/globals.css). */}
      <div className="mt-3 text-sm">
        <Link href={paths.runbookMonthlyReview()} className="text-indigo-700 hover:underline dark:text-indigo-300">
          Monthly review: the past month&apos;s incidents, runs and open runbook gaps per runbook
        </Link>
      </div>
      <Card title="Dependencies" className="render-when-near mt-8 [--near-height:360px]">
        <DependencyGraph layout={layoutDependencyGraph(runbooks)} />
      </Card>
    </>
  );
}
