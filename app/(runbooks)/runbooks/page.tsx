import type { Metadata } from "next";
import Link from "next/link";
import { listRunbooks } from "@/lib/runbooks";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { SeverityBadge } from "@/components/runbooks/severity-badge";
import { Badge } from "@/components/ui/badge";

export const metadata: Metadata = { title: "Runbooks" };
export const dynamic = "force-static";

/** The runbook index, by severity as in the seed's quick reference. Prerendered: it changes only with the files. */
export default function RunbookIndexPage() {
  const runbooks = listRunbooks();
  return (
    <>
      <PageHeader title="Runbooks" description={`${runbooks.length} validated procedures. In an incident, follow the runbook; do not improvise.`} />
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
            <tr>
              <th className="px-4 py-2">Runbook</th>
              <th className="px-4 py-2">Severity</th>
              <th className="px-4 py-2">Use when</th>
              <th className="px-4 py-2">Response</th>
              <th className="px-4 py-2">Validation</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {runbooks.map((rb) => (
              <tr key={rb.id} className="align-top hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
                <td className="px-4 py-3">
                  <Link href={paths.runbook(rb.id)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                    {rb.id}
                  </Link>
                  <div className="text-zinc-700 dark:text-zinc-300">{rb.title}</div>
                </td>
                <td className="px-4 py-3">
                  <SeverityBadge severity={rb.severity} note={rb.severityNote} />
                </td>
                <td className="px-4 py-3 text-zinc-600 dark:text-zinc-400">{rb.useWhen.slice(0, 2).join("; ")}</td>
                <td className="whitespace-nowrap px-4 py-3">{rb.responseTime.label}</td>
                <td className="px-4 py-3">
                  <Badge tone={rb.validation.status === "validated" ? "green" : "amber"}>{rb.validation.status}</Badge>
                  <div className="mt-1 text-xs text-zinc-500">
                    {rb.validation.method}, {rb.validation.date}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
