import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { monthlyReview } from "@/lib/reviews/read";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const metadata: Metadata = { title: "Monthly runbook review" };
export const dynamic = "force-dynamic";

const KIND_LABEL = { incident: "incident", run: "run", gap: "open gap" } as const;
const KIND_TONE = { incident: "red", run: "blue", gap: "amber" } as const;

/** The monthly review (seed: "review incidents from past month, identify runbook gaps"): what happened with each runbook. */
export default async function MonthlyReviewPage() {
  await requireActor("runbook.view");
  const review = await monthlyReview();
  const busy = review.runbooks.filter((r) => r.items.length > 0);
  const quiet = review.runbooks.filter((r) => r.items.length === 0);
  return (
    <>
      <Breadcrumb href={paths.runbooks()} parent="Runbooks">Monthly review</Breadcrumb>
      <PageHeader title="Monthly review" description={`Incidents and runs since ${review.since}, and open runbook gaps, per runbook. Record each runbook's review on its page.`} />
      <div className="grid gap-4 lg:grid-cols-2" data-testid="monthly-review">
        {busy.map((rb) => (
          <Card
            key={rb.id}
            title={
              <Link href={paths.runbook(rb.id)} className="hover:underline">
                {rb.id} {rb.title}
              </Link>
            }
            actions={<span className={rb.review.overdue ? "text-xs font-semibold text-red-700 dark:text-red-300" : "text-xs text-zinc-500"}>next review {rb.review.next}</span>}
          >
            <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="monthly-review-runbook" data-runbook={rb.id}>
              {rb.items.map((i) => (
                <li key={`${i.kind}:${i.id}`} className="flex flex-wrap items-center gap-2 py-1.5">
                  <Badge tone={KIND_TONE[i.kind]}>{KIND_LABEL[i.kind]}</Badge>
                  <Link href={i.href} className="min-w-0 flex-1 hover:underline">
                    {i.title}
                  </Link>
                  <span className="text-xs text-zinc-500">
                    {i.status}
                    {i.drill ? " · drill" : ""} · {i.at.slice(0, 10)}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
      {quiet.length > 0 && (
        <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
          Nothing this month for {quiet.map((r) => r.id).join(", ")}.
        </p>
      )}
    </>
  );
}
