import { Link } from "@/components/ui/link";
import type { StoredEvent } from "@/lib/audit/chain";
import { paths } from "@/lib/paths";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { DataTable } from "@/components/ui/data-table";

export function OutcomeBadge({ outcome }: { outcome: string }) {
  return <Badge tone={outcome === "allowed" ? "green" : outcome === "refused" ? "red" : "amber"}>{outcome}</Badge>;
}

/** "run 1a2b3c4d", linked to the run or incident where there is a page for it. */
export function TargetLabel({ type, id }: { type: string | null; id: string | null }) {
  if (!type) return <>—</>;
  const short = id && id.length > 12 ? id.slice(0, 8) : (id ?? "");
  const href = type === "run" && id ? paths.run(id) : type === "incident" && id ? paths.incident(id) : type === "onboarding" && id ? paths.onboardingItem(id) : null;
  const label = `${type} ${short}`.trim();
  return href ? (
    <Link href={href} className="text-indigo-700 hover:underline dark:text-indigo-300" title={id ?? undefined}>
      {label}
    </Link>
  ) : (
    <span title={id ?? undefined}>{label}</span>
  );
}

/** The events of one page, newest first; each number opens the event. */
export function AuditEventTable({ events }: { events: StoredEvent[] }) {
  return (
    <DataTable
      testId="audit-table"
      rows={events}
      rowKey={(e) => e.seq.toString()}
      rowProps={(e) => ({ "data-testid": "audit-row", "data-seq": e.seq.toString(), className: "align-top" })}
      empty="No events match."
      columns={[
        {
          header: "#",
          className: "font-mono text-xs",
          cell: (e) => (
            <Link href={paths.auditEvent(e.seq)} className="text-indigo-700 hover:underline dark:text-indigo-300" aria-label={`Event ${e.seq}`}>
              {e.seq.toString()}
            </Link>
          ),
        },
        { header: "Time", className: "whitespace-nowrap text-xs", cell: (e) => <Time value={e.at} /> },
        {
          header: "Actor",
          cell: (e) => (
            <>
              <div data-testid="audit-actor">{e.actorEmail ?? "system"}</div>
              <div className="text-xs text-zinc-500">{e.actorRoles.join(", ")}</div>
            </>
          ),
        },
        {
          header: "Action",
          cell: (e) => (
            <>
              <span className="font-mono text-xs" data-testid="audit-action">
                {e.action}
              </span>{" "}
              <OutcomeBadge outcome={e.outcome} />
            </>
          ),
        },
        { header: "Target", className: "text-xs", cell: (e) => <TargetLabel type={e.targetType} id={e.targetId} /> },
        {
          header: "Details",
          className: "max-w-md",
          cell: (e) => (
            <code className="block truncate text-xs text-zinc-600 dark:text-zinc-400" title={JSON.stringify(e.details)}>
              {JSON.stringify(e.details)}
            </code>
          ),
        },
      ]}
    />
  );
}
