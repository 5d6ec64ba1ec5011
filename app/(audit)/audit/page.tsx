import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { can } from "@/lib/auth/permissions";
import { AUDIT_PAGE_SIZE, auditFacets, listAuditEvents, quickChainStatus } from "@/lib/data/audit";
import { filterToQuery, parseAuditQuery, type AuditFilter } from "@/lib/validation/audit";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { AuditFilterForm } from "@/components/audit/filter-form";
import { AuditEventTable } from "@/components/audit/event-table";
import { ChainStatusBanner } from "@/components/audit/chain-status";
import { ChainActions } from "@/components/audit/chain-actions";
import { signHead, verifyChain } from "@/lib/next/actions/audit";

export const metadata: Metadata = { title: "Audit log" };

type Search = Record<string, string | string[] | undefined>;

/**
 * Audit review: filter everything that happened (or, for most roles, what you did yourself), newest first by keyset
 * page; open an event for its detail; verify the chain; export the filtered view.
 */
export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const actor = await requireActor("audit.view.own");
  const raw = await searchParams;
  const { filter: parsedFilter, cursor: parsedCursor } = parseAuditQuery(raw);
  const errors: Record<string, string> = {};
  for (const issue of [...(parsedFilter.error?.issues ?? []), ...(parsedCursor.error?.issues ?? [])]) errors[String(issue.path[0] ?? "_")] ??= issue.message;
  const filter: AuditFilter | null = parsedFilter.success ? parsedFilter.data : null;
  const cursor = parsedCursor.success ? parsedCursor.data : {};

  const [page, status, facets] = await Promise.all([
    filter ? listAuditEvents(actor, filter, cursor) : Promise.resolve(null),
    quickChainStatus(actor),
    auditFacets(actor),
  ]);
  const scope = page?.scope === "all" || can(actor, "audit.view.all") ? "all" : "own";
  const query = filter ? filterToQuery(filter) : {};
  const formValues: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") formValues[k] = v;
  if (filter?.from) formValues.from = filter.from.toISOString().slice(0, 19);
  if (filter?.to) formValues.to = filter.to.toISOString().slice(0, 19);
  const filtered = Object.keys(query).length > 0;

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          scope === "all"
            ? "Every recorded action, refusals included, newest first. Open an event for who, what, when, from where and what changed."
            : "Your own actions, refusals included, newest first. Auditors, InfoSec and incident commanders see everyone's."
        }
        actions={
          <Link href={paths.auditHeads()} className={buttonClass("secondary")}>
            Chain heads
          </Link>
        }
      />

      {status && (
        <Card title="Tamper evidence" className="mb-4">
          <ChainStatusBanner status={status} />
          <div className="mt-3">
            <ChainActions verify={verifyChain} sign={signHead} canSign={can(actor, "audit.head.sign")} />
          </div>
        </Card>
      )}

      <AuditFilterForm values={formValues} errors={errors} actions={facets.actions} people={facets.people} scope={scope} />

      <div className="mt-4 mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <p className="text-zinc-600 dark:text-zinc-400" data-testid="audit-scope">
          {filter ? (filtered ? "Filtered view" : "All events") : "Fix the filters above to see events"}
          {scope === "own" ? " · your own actions only" : ""} · {AUDIT_PAGE_SIZE} a page
        </p>
        {filter && can(actor, "audit.export") && (
          <div className="flex items-center gap-2">
            <span className="text-zinc-500">Export this view:</span>
            <a href={paths.api.auditExport("csv", query)} className={buttonClass("secondary")} data-testid="export-csv" download>
              CSV
            </a>
            <a href={paths.api.auditExport("jsonl", query)} className={buttonClass("secondary")} data-testid="export-jsonl" download>
              JSON Lines
            </a>
            {filter.incident && can(actor, "audit.view.all") && (
              <>
                <a href={paths.api.auditBundle(filter.incident, "json")} className={buttonClass("secondary")} data-testid="bundle-json" download>
                  Evidence bundle
                </a>
                <a href={paths.api.auditBundle(filter.incident, "md")} className={buttonClass("ghost")} download>
                  (Markdown)
                </a>
              </>
            )}
          </div>
        )}
      </div>

      {page && <AuditEventTable events={page.events} />}

      {page && (page.newer !== null || page.older !== null || cursor.before !== undefined || cursor.after !== undefined) && (
        <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
          <div className="flex gap-4">
            {(cursor.before !== undefined || cursor.after !== undefined) && (
              <Link href={paths.audit(query)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                « Newest
              </Link>
            )}
            {page.newer !== null && (
              <Link href={paths.audit({ ...query, after: page.newer.toString() })} className="text-indigo-700 hover:underline dark:text-indigo-300">
                ← Newer events
              </Link>
            )}
          </div>
          {page.older !== null && (
            <Link href={paths.audit({ ...query, before: page.older.toString() })} className="text-indigo-700 hover:underline dark:text-indigo-300">
              Older events →
            </Link>
          )}
        </nav>
      )}
    </>
  );
}
