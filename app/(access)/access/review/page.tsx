import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { accessReview } from "@/lib/data/access";
import { listRunbooks } from "@/lib/runbooks";
import { ROLLBACK_RUNBOOK_ID, roleNames } from "@/lib/access/review";
import { accessReviewQuerySchema } from "@/lib/validation/access";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Time } from "@/components/ui/time";
import { DataTable } from "@/components/ui/data-table";

export const metadata: Metadata = { title: "Access review" };

type Search = Record<string, string | string[] | undefined>;

const input = "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950";
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

const seqLink = (seq: bigint | null) =>
  seq === null ? (
    <span className="text-zinc-500">not in the log</span>
  ) : (
    <Link href={paths.auditEvent(seq)} className="text-indigo-700 underline dark:text-indigo-300">
      #{seq.toString()}
    </Link>
  );

/**
 * The access review (auditors and InfoSec): who held which role when, rebuilt from the audit log, and the answer
 * to "who could approve a rollback on <date>?", each downloadable as CSV.
 */
export default async function AccessReviewPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireActor("access.review");
  const raw = await searchParams;
  const values = { date: first(raw.date), runbookId: first(raw.runbookId) };
  const parsed = accessReviewQuerySchema.safeParse(values);
  const errors: Record<string, string> = {};
  for (const issue of parsed.error?.issues ?? []) errors[String(issue.path[0] ?? "_")] ??= issue.message;
  const runbookId = (parsed.success && parsed.data.runbookId) || ROLLBACK_RUNBOOK_ID;
  const date = parsed.success ? parsed.data.date : undefined;
  const runbooks = listRunbooks().filter((r) => r.steps.some((s) => s.twoPerson || s.kind === "decision"));
  if (parsed.success && !runbooks.some((r) => r.id === runbookId)) errors.runbookId = "No runbook with approval steps has this id.";
  const review = await accessReview(actor, { date: errors.runbookId ? undefined : date, runbookId });
  if (!review) return null;
  const { history, answer } = review;
  const question = date ? { date, runbookId } : null;

  return (
    <>
      <PageHeader
        title="Access review"
        description="Who held which role when, rebuilt from the audit log: people added, roles granted, requested, approved and revoked here, roles from the identity provider as they changed at sign-in, just-in-time creations and npm run people:add. Times are UTC."
        actions={
          <a href={paths.api.accessReviewCsv()} className={buttonClass("secondary")} data-testid="history-csv" download>
            Whole history (CSV)
          </a>
        }
      />

      <Card title="Who could approve on a given day?" className="mb-4">
        <form method="get" action={paths.accessReview()} className="grid gap-3 sm:grid-cols-[auto_1fr_auto] sm:items-start" aria-label="Ask who could approve on a day">
          <label className="block text-xs font-medium text-zinc-600 dark:text-zinc-400" htmlFor="q-date">
            Date (UTC)
            <input id="q-date" name="date" type="date" required defaultValue={values.date} className={input} aria-invalid={errors.date ? true : undefined} aria-describedby={errors.date ? "q-date-error" : undefined} />
            {errors.date && (
              <span id="q-date-error" className="mt-0.5 block text-xs font-normal text-red-700 dark:text-red-300">
                {errors.date}
              </span>
            )}
          </label>
          <label className="block text-xs font-medium text-zinc-600 dark:text-zinc-400" htmlFor="q-runbook">
            Runbook
            <select id="q-runbook" name="runbookId" defaultValue={runbookId} className={input} aria-invalid={errors.runbookId ? true : undefined} aria-describedby={errors.runbookId ? "q-runbook-error" : undefined}>
              {runbooks.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id} — {r.title}
                </option>
              ))}
            </select>
            {errors.runbookId && (
              <span id="q-runbook-error" className="mt-0.5 block text-xs font-normal text-red-700 dark:text-red-300">
                {errors.runbookId}
              </span>
            )}
          </label>
          <div className="flex items-end gap-2 sm:pt-5">
            <button type="submit" className={buttonClass("primary")}>
              Answer
            </button>
          </div>
        </form>
        <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
          The approval steps are the runbook&apos;s two-person steps and go/no-go decisions; each counts the roles the runbook names for it that the
          permission table lets approve or decide. A person counts if they held such a role, and were not disabled, at some moment of the day.
        </p>
      </Card>

      {answer && question && (
        <Card
          title={`Who could approve ${answer.runbookId} (${answer.runbookTitle}) on ${answer.date}`}
          className="mb-4"
          actions={
            <a href={paths.api.accessReviewCsv(question)} className={buttonClass("secondary")} data-testid="approvers-csv" download>
              CSV
            </a>
          }
        >
          <div className="flex flex-col gap-4" data-testid="approvers">
            {answer.steps.map((step) => (
              <section key={step.stepId} aria-label={`Step ${step.number}. ${step.title}`} data-testid="approval-step" data-step={step.stepId}>
                <h3 className="text-sm font-semibold">
                  Step {step.number}. {step.title}
                </h3>
                <p className="text-xs text-zinc-600 dark:text-zinc-400">
                  {step.twoPerson ? "Two approvers, other than the requester" : "Go/no-go decision"} · {step.roles.length ? roleNames(step.roles) : "no role may act on it"}
                </p>
                {step.people.length === 0 ? (
                  <p className="mt-1 text-sm text-zinc-500">Nobody held one of these roles that day.</p>
                ) : (
                  <ul className="mt-1 divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
                    {step.people.map((p) => (
                      <li key={p.personId} className="flex flex-wrap items-baseline gap-x-3 py-1" data-testid="approver" data-email={p.email}>
                        <span className="font-medium">{p.name}</span>
                        <span className="text-xs text-zinc-600 dark:text-zinc-400">{p.email}</span>
                        {p.roles.map((r) => (
                          <Badge key={r} tone="violet">
                            {ROLE_LABELS[r]}
                          </Badge>
                        ))}
                        <span className="text-xs text-zinc-600 dark:text-zinc-400">
                          {p.spans.map((s, i) => (
                            <span key={i} className="mr-2">
                              {s.from.toISOString().slice(11, 16)}–{s.to.getTime() === answer.to.getTime() ? "24:00" : s.to.toISOString().slice(11, 16)}
                            </span>
                          ))}
                        </span>
                        {!p.recorded && <Badge tone="amber">from the person record, not the log</Badge>}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            ))}
          </div>
        </Card>
      )}

      <DataTable
        testId="role-history"
        caption={`Who held which role when (${history.roles.length} stretches${history.through !== null ? `, through event #${history.through}` : ""})`}
        rows={history.roles}
        rowKey={(_, i) => String(i)}
        rowProps={() => ({ "data-testid": "role-stretch" })}
        columns={[
          {
            header: "Person",
            cell: (r) => (
              <>
                {r.name}
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{r.email}</span>
              </>
            ),
          },
          { header: "Role", cell: (r) => ROLE_LABELS[r.role] },
          { header: "Source", className: "text-xs", cell: (r) => r.sources.map((s) => (s === "portal" ? "granted here" : s)).join(", ") },
          {
            header: "From",
            className: "text-xs whitespace-nowrap",
            cell: (r) => (
              <>
                <Time value={r.from} />
                {!r.recorded && <span className="block text-amber-700 dark:text-amber-300">(from the person record)</span>}
              </>
            ),
          },
          { header: "To", className: "text-xs whitespace-nowrap", cell: (r) => (r.to ? <Time value={r.to} /> : <Badge tone="green">held now</Badge>) },
          {
            header: "Events",
            className: "text-xs whitespace-nowrap",
            cell: (r) => (
              <>
                {seqLink(r.fromSeq)} → {r.to ? seqLink(r.toSeq) : "—"}
              </>
            ),
          },
        ]}
      />
    </>
  );
}
