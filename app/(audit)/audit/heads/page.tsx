import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { requireActor } from "@/lib/next/guard";
import { can } from "@/lib/auth/permissions";
import { listChainHeads } from "@/lib/data/audit";
import { paths } from "@/lib/paths";
import { PageHeader } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { DataTable } from "@/components/ui/data-table";
import { ChainActions } from "@/components/audit/chain-actions";
import { VerifyHeadForm } from "@/components/audit/verify-head-form";
import { signHead, verifyChain, verifyHead } from "@/lib/next/actions/audit";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const metadata: Metadata = { title: "Chain heads" };

/** Signed chain heads: record one, export one, and prove against an exported one that the log was only appended to. */
export default async function ChainHeadsPage() {
  const actor = await requireActor("audit.verify");
  const heads = (await listChainHeads(actor)) ?? [];
  return (
    <>
      <Breadcrumb href={paths.audit()} parent="Audit log">chain heads</Breadcrumb>
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
        <DataTable
          variant="plain"
          testId="heads-table"
          rows={heads}
          rowKey={(h) => h.id.toString()}
          rowProps={() => ({ "data-testid": "head-row" })}
          empty="No head recorded yet."
          columns={[
            { header: "Head", className: "font-mono text-xs", cell: (h) => `#${h.id.toString()}` },
            { header: "Recorded", className: "whitespace-nowrap text-xs", cell: (h) => <Time value={h.at} /> },
            {
              header: "Event",
              className: "text-xs",
              cell: (h) => (
                <Link href={paths.auditEvent(h.seq)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {h.seq.toString()}
                </Link>
              ),
            },
            {
              header: "Hash",
              className: "font-mono text-xs",
              cell: (h) => <span title={h.hash}>{h.hash.slice(0, 16)}…</span>,
            },
            { header: "Why", className: "text-xs", cell: (h) => h.reason },
            {
              header: "Signature",
              cell: (h) => (h.signatureValid === null ? <Badge>key not set</Badge> : <Badge tone={h.signatureValid ? "green" : "red"}>{h.signatureValid ? "valid" : "invalid"}</Badge>),
            },
            {
              header: "Export",
              hideHeader: true,
              className: "text-xs",
              cell: (h) => (
                <a href={paths.api.auditHead(h.id)} download className="text-indigo-700 hover:underline dark:text-indigo-300">
                  Export JSON
                </a>
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
