import Link from "next/link";
import type { StoredEvent } from "@/lib/audit/chain";
import { paths } from "@/lib/paths";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";

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
    <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
          <tr>
            <th className="px-3 py-2">#</th>
            <th className="px-3 py-2">Time</th>
            <th className="px-3 py-2">Actor</th>
            <th className="px-3 py-2">Action</th>
            <th className="px-3 py-2">Target</th>
            <th className="px-3 py-2">Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {events.length === 0 && (
            <tr>
              <td colSpan={6} className="px-3 py-6 text-center text-zinc-500">
                No events match.
              </td>
            </tr>
          )}
          {events.map((e) => (
            <tr key={e.seq.toString()} data-testid="audit-row" data-seq={e.seq.toString()} className="align-top">
              <td className="px-3 py-2 font-mono text-xs">
                <Link href={paths.auditEvent(e.seq)} className="text-indigo-700 hover:underline dark:text-indigo-300" aria-label={`Event ${e.seq}`}>
                  {e.seq.toString()}
                </Link>
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-xs">
                <Time value={e.at} />
              </td>
              <td className="px-3 py-2">
                <div data-testid="audit-actor">{e.actorEmail ?? "system"}</div>
                <div className="text-xs text-zinc-500">{e.actorRoles.join(", ")}</div>
              </td>
              <td className="px-3 py-2">
                <span className="font-mono text-xs" data-testid="audit-action">
                  {e.action}
                </span>{" "}
                <OutcomeBadge outcome={e.outcome} />
              </td>
              <td className="px-3 py-2 text-xs">
                <TargetLabel type={e.targetType} id={e.targetId} />
              </td>
              <td className="max-w-md px-3 py-2">
                <code className="block truncate text-xs text-zinc-600 dark:text-zinc-400" title={JSON.stringify(e.details)}>
                  {JSON.stringify(e.details)}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
