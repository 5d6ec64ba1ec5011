import { Link } from "@/components/ui/link";
import type { OverdueWork } from "@/lib/followups/read";
import { paths } from "@/lib/paths";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";

/** Overdue follow-ups and RCAs past their 48-hour due date: the person's own, or everyone's (`showOwner`). */
export function OverdueCard({ work, title, showOwner = false, className }: { work: OverdueWork; title: string; showOwner?: boolean; className?: string }) {
  const total = work.followUps.length + work.rcas.length;
  return (
    <Card title={`${title} (${total})`} className={className}>
      {total === 0 ? (
        <p className="text-sm text-zinc-500">Nothing overdue.</p>
      ) : (
        <ul className="divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="overdue-work">
          {work.rcas.map((r) => (
            <li key={r.runId} className="py-2" data-testid="overdue-rca">
              <Badge tone="red">RCA overdue</Badge>{" "}
              <Link href={paths.rca(r.runId)} className="font-medium hover:underline">
                {r.runbookId} {r.title}
              </Link>
              <div className="text-xs text-zinc-500">
                was due {r.dueAt.slice(0, 16).replace("T", " ")} UTC{showOwner ? ` · run started by ${r.owner}` : ""}
              </div>
            </li>
          ))}
          {work.followUps.map((f) => (
            <li key={f.id} className="py-2" data-testid="overdue-follow-up">
              <Badge tone="red">follow-up overdue</Badge>{" "}
              <Link href={f.runId ? paths.rca(f.runId) : paths.incident(f.incidentId!)} className="font-medium hover:underline">
                {f.title}
              </Link>
              <div className="text-xs text-zinc-500">
                due {f.dueOn}
                {f.runbookId ? ` · runbook gap in ${f.runbookId}` : ""}
                {showOwner ? ` · owner ${f.ownerName}` : ""}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
