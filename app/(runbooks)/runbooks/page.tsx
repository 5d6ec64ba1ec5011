import type { Metadata } from "next";
import { listRunbooks } from "@/lib/runbooks";
import { toEntry } from "@/lib/runbooks/search";
import { layoutDependencyGraph } from "@/lib/runbooks/graph";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { RunbookIndex } from "@/components/runbooks/runbook-index";
import { DependencyGraph } from "@/components/runbooks/dependency-graph";

export const metadata: Metadata = { title: "Runbooks" };
// Rendered per request, so its scripts carry the response's CSP nonce (proxy.ts; cost in docs/benchmarks.md).
export const dynamic = "force-dynamic";

/**
 * The runbook index: search, filters, the by-severity and by-category views, and the dependency graph.
 * Searching happens in the browser.
 */
export default function RunbookIndexPage() {
  const runbooks = listRunbooks();
  return (
    <>
      <PageHeader title="Runbooks" description="In an incident, follow the runbook step by step. Do not improvise; escalate early." />
      <RunbookIndex entries={runbooks.map(toEntry)} />
      <Card title="Dependencies" className="mt-8">
        <DependencyGraph layout={layoutDependencyGraph(runbooks)} />
      </Card>
    </>
  );
}
