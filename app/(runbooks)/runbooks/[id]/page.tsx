import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { getRunbook } from "@/lib/runbooks";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { paths } from "@/lib/paths";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { SeverityBadge } from "@/components/runbooks/severity-badge";
import { StartRunForm } from "@/components/runbooks/start-run-form";
import { StepList } from "@/components/runbooks/step-list";
import { requireActor } from "@/lib/next/guard";
import { mayReviewRunbook } from "@/lib/auth/permissions";
import { openGapsOf } from "@/lib/followups/read";
import { runbookReviews } from "@/lib/reviews/read";
import { changelogOptions } from "@/lib/reviews/changelog";
import { FollowUpItem } from "@/components/followups/follow-up-card";
import { ReviewForm } from "@/components/reviews/review-form";
import { Breadcrumb } from "@/components/ui/breadcrumb";

// Rendered per request, so its scripts carry the response's CSP nonce (proxy.ts; cost in docs/benchmarks.md).
export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const rb = getRunbook((await params).id);
  return { title: rb ? `${rb.id} ${rb.title}` : "Runbook" };
}

/** One runbook as a readable document, with "Start run" for those who may. */
export default async function RunbookPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor("runbook.view");
  const rb = getRunbook((await params).id);
  if (!rb) notFound();
  const [gaps, reviews] = await Promise.all([openGapsOf(rb.id), runbookReviews(rb.id)]);
  const roles = (list: typeof rb.owners) => list.map((r) => ROLE_LABELS[r]).join(", ");
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
      <div className="min-w-0">
        <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
          <div>
            <Breadcrumb href={paths.runbooks()} parent="Runbooks">{rb.id}</Breadcrumb>
            <h1 className="mt-1 text-2xl font-semibold tracking-tight">{rb.title}</h1>
            <div className="mt-2 flex flex-wrap items-center gap-2 text-sm">
              <SeverityBadge severity={rb.severity} note={rb.severityNote} />
              <Badge tone="blue">{rb.category}</Badge>
              <span className="text-zinc-600 dark:text-zinc-400">Response: {rb.responseTime.label}</span>
              <span className="text-zinc-600 dark:text-zinc-400">Owners: {roles(rb.owners)}</span>
            </div>
          </div>
          <StartRunForm runbookId={rb.id} startRoles={rb.startRoles} />
        </div>
        <article className="prose-runbook" dangerouslySetInnerHTML={{ __html: rb.introHtml }} />
        <StepList steps={rb.steps} />
        {rb.appendixHtml && <article className="prose-runbook mt-6" dangerouslySetInnerHTML={{ __html: rb.appendixHtml }} />}
      </div>
      <aside className="space-y-4">
        <Card title="When to use">
          <ul className="list-disc space-y-1 pl-5 text-sm">{rb.useWhen.map((u) => <li key={u}>{u}</li>)}</ul>
        </Card>
        <Card title="Escalation">
          <ol className="space-y-2 text-sm">
            {rb.escalation.map((e) => (
              <li key={e.level}>
                <span className="font-semibold">{e.level}</span> {e.who}
                <span className="block text-xs text-zinc-500">
                  {roles(e.roles)} · {e.afterMinutes === 0 ? "from the start" : `after ${e.afterMinutes} min`}
                </span>
              </li>
            ))}
          </ol>
        </Card>
        <Card title="Success criteria">
          <ul className="list-disc space-y-1 pl-5 text-sm">{rb.successCriteria.map((c) => <li key={c}>{c}</li>)}</ul>
        </Card>
        {rb.dependencies.length > 0 && (
          <Card title="Leads to">
            <ul className="space-y-1 text-sm">
              {rb.dependencies.map((d) => (
                <li key={d}>
                  <Link href={paths.runbook(d)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {d} {getRunbook(d)?.title}
                  </Link>
                </li>
              ))}
            </ul>
          </Card>
        )}
        {gaps.length > 0 && (
          <Card title={`Open runbook gaps (${gaps.length})`}>
            <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="runbook-gaps">
              {gaps.map((f) => (
                <FollowUpItem key={f.id} f={f} />
              ))}
            </ul>
            <p className="mt-2 text-xs text-zinc-500">Each closes as done once this runbook&apos;s change log names its fix.</p>
          </Card>
        )}
        {reviews && (
          <Card title="Review">
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm" data-testid="runbook-review">
              <dt className="text-zinc-500">Cadence</dt>
              <dd>{reviews.state.cadence}</dd>
              <dt className="text-zinc-500">Last</dt>
              <dd data-testid="last-review">{reviews.state.last ? `${reviews.state.last} by ${reviews.state.lastBy}` : `none recorded (validated ${reviews.state.since})`}</dd>
              <dt className="text-zinc-500">Next</dt>
              <dd data-testid="next-review" className={reviews.state.overdue ? "font-semibold text-red-700 dark:text-red-300" : undefined}>
                {reviews.state.next}
                {reviews.state.overdue && ` (overdue by ${reviews.state.daysOverdue} days)`}
              </dd>
            </dl>
            {reviews.history.length > 0 && (
              <ul className="mt-3 space-y-1 text-xs text-zinc-600 dark:text-zinc-400">
                {reviews.history.slice(0, 5).map((h) => (
                  <li key={h.at}>
                    {h.at.slice(0, 10)} {h.reviewer}: {h.outcome}
                    {h.change ? ` (${h.change})` : ""}
                    {h.note ? ` — ${h.note}` : ""}
                  </li>
                ))}
              </ul>
            )}
            {mayReviewRunbook(actor, rb.owners) ? (
              <ReviewForm runbookId={rb.id} changelog={changelogOptions(rb).map((e) => ({ key: e.key, date: e.date, change: e.change }))} />
            ) : (
              <p className="mt-2 text-xs text-zinc-500">Reviews are recorded by its owners ({roles(rb.owners)}).</p>
            )}
            <Link href={paths.runbookMonthlyReview()} className="mt-2 block text-xs text-indigo-700 hover:underline dark:text-indigo-300">
              Monthly review: what happened with each runbook
            </Link>
          </Card>
        )}
        <Card title="Validation">
          <p className="text-sm">
            <Badge tone={rb.validation.status === "validated" ? "green" : "amber"}>{rb.validation.status}</Badge> {rb.validation.method},{" "}
            {rb.validation.date}
            {rb.validation.note ? ` (${rb.validation.note})` : ""}
          </p>
        </Card>
        <Card title="Change log">
          <ul className="space-y-2 text-sm">
            {rb.changelog.map((c) => (
              <li key={`${c.date}-${c.change}`}>
                <span className="font-mono text-xs text-zinc-500">{c.date}</span> {c.change} <span className="text-zinc-500">— {c.author}</span>
              </li>
            ))}
          </ul>
          <p className="mt-3 break-all font-mono text-[10px] text-zinc-500 dark:text-zinc-400" title="Content hash of this version">
            {rb.contentHash.slice(0, 16)}
          </p>
        </Card>
      </aside>
    </div>
  );
}
