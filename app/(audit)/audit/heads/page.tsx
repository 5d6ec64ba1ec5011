import type { Metadata } from "next";
import Link from "next/link";
import { requireActor } from "@/lib/next/guard";
import { can } from "@/lib/auth/permissions";
import { listChainHeads } from "@/lib/data/audit";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { ChainActions } from "@/components/audit/chain-actions";
import { VerifyHeadForm } from "@/components/audit/verify-head-form";
import { signHead, verifyChain, verifyHead } from "@/lib/next/actions/audit";

export const metadata: Metadata = { title: "Chain heads" };

/** Signed chain heads: record one, export one, and prove against an exported one that the log was only appended to. */
export default async function ChainHeadsPage() {
  const actor = await requireActor("audit.verify");
  const heads = (await listChainHeads(actor)) ?? [];
  return (
    <>
      <p className="text-sm text-zinc-500">
        <Link href={paths.audit()} className="hover:underline">
          Audit log
        </Link>{" "}
        / chain heads
      </p>
      <PageHeader
        title="Chain heads"
        description="A head is the newest event's number and hash, signed with the portal's audit key after the chain was verified. Heads are recorded periodically and on demand; keep exported heads outside the portal. Pasting one back proves the log was only appended to since, or shows where it was changed or cut."
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Verify against an exported head">
          <VerifyHeadForm action={verifyHead} />
        </Card>
        <Card title="Record and verify">
          <ChainActions verify={verifyChain} sign={signHead} canSign={can(actor, "audit.head.sign")} />
          {!can(actor, "audit.head.sign") && <p className="mt-2 text-sm text-zinc-500">Auditors, InfoSec and incident commanders can sign a head on demand.</p>}
        </Card>
      </div>
      <Card title={`Recorded heads (newest ${heads.length})`} className="mt-4">
        <table className="w-full text-left text-sm" data-testid="heads-table">
          <thead className="text-xs uppercase tracking-wide text-zinc-500">
            <tr>
              <th className="px-2 py-1">Head</th>
              <th className="px-2 py-1">Recorded</th>
              <th className="px-2 py-1">Event</th>
              <th className="px-2 py-1">Hash</th>
              <th className="px-2 py-1">Why</th>
              <th className="px-2 py-1">Signature</th>
              <th className="px-2 py-1">
                <span className="sr-only">Export</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {heads.length === 0 && (
              <tr>
                <td colSpan={7} className="px-2 py-4 text-center text-zinc-500">
                  No head recorded yet.
                </td>
              </tr>
            )}
            {heads.map((h) => (
              <tr key={h.id.toString()} data-testid="head-row">
                <td className="px-2 py-1 font-mono text-xs">#{h.id.toString()}</td>
                <td className="whitespace-nowrap px-2 py-1 text-xs">
                  <Time value={h.at} />
                </td>
                <td className="px-2 py-1 text-xs">
                  <Link href={paths.auditEvent(h.seq)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {h.seq.toString()}
                  </Link>
                </td>
                <td className="px-2 py-1 font-mono text-xs" title={h.hash}>
                  {h.hash.slice(0, 16)}…
                </td>
                <td className="px-2 py-1 text-xs">{h.reason}</td>
                <td className="px-2 py-1">{h.signatureValid === null ? <Badge>key not set</Badge> : <Badge tone={h.signatureValid ? "green" : "red"}>{h.signatureValid ? "valid" : "invalid"}</Badge>}</td>
                <td className="px-2 py-1 text-xs">
                  <a href={paths.api.auditHead(h.id)} download className="text-indigo-700 hover:underline dark:text-indigo-300">
                    Export JSON
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
