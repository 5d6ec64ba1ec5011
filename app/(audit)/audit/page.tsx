import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/next/guard";
import { listAuditEvents, verifyAuditChain } from "@/lib/data/audit";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";

export const metadata: Metadata = { title: "Audit log" };

/** The audit log, newest first, with the hash chain's verification result. Read-only. */
export default async function AuditPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  const actor = await requireActor("audit.view.own");
  const { before } = await searchParams;
  const beforeSeq = before && /^\d{1,19}$/.test(before) ? BigInt(before) : undefined;
  const [{ events, scope, nextBefore }, verification] = await Promise.all([listAuditEvents(actor, { before: beforeSeq }), verifyAuditChain(actor)]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description={scope === "all" ? "Every recorded action, newest first." : "Your own actions, newest first. Auditors, InfoSec and incident commanders see everyone's."}
      />
      {verification && (
        <div
          data-testid="chain-status"
          role="status"
          className={`mb-4 rounded-md border p-3 text-sm ${verification.ok ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"}`}
        >
          {verification.ok ? (
            <>
              <strong>Chain verified</strong>: {verification.count} events, head{" "}
              <span className="font-mono text-xs">{verification.headHash.slice(0, 16)}…</span>
            </>
          ) : (
            <>
              <strong>Chain broken at event {verification.seq.toString()}</strong> ({verification.problem}): {verification.detail}
            </>
          )}
        </div>
      )}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full text-left text-sm">
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
                  No events.
                </td>
              </tr>
            )}
            {events.map((e) => (
              <tr key={e.seq.toString()} data-testid="audit-row" className="align-top">
                <td className="px-3 py-2 font-mono text-xs text-zinc-500">{e.seq.toString()}</td>
                <td className="whitespace-nowrap px-3 py-2 text-xs">
                  <Time value={e.at} />
                </td>
                <td className="px-3 py-2">
                  <div>{e.actorEmail ?? "system"}</div>
                  <div className="text-xs text-zinc-500">{e.actorRoles.join(", ")}</div>
                </td>
                <td className="px-3 py-2">
                  <span className="font-mono text-xs">{e.action}</span>{" "}
                  <Badge tone={e.outcome === "allowed" ? "green" : e.outcome === "refused" ? "red" : "amber"}>{e.outcome}</Badge>
                </td>
                <td className="px-3 py-2 text-xs">
                  {e.targetType === "run" && e.targetId ? (
                    <Link href={paths.run(e.targetId)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      run {e.targetId.slice(0, 8)}
                    </Link>
                  ) : e.targetType ? (
                    `${e.targetType} ${e.targetId ?? ""}`
                  ) : (
                    "—"
                  )}
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
      {nextBefore && (
        <div className="mt-4 text-right">
          <Link href={paths.audit({ before: nextBefore.toString() })} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
            Older events →
          </Link>
        </div>
      )}
    </>
  );
}
