import Link from "next/link";
import { requireActor } from "@/lib/next/guard";
import { listRecentRuns } from "@/lib/data/runs";
import { listRunbooks } from "@/lib/runbooks";
import { paths } from "@/lib/paths";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { SeverityBadge } from "@/components/runbooks/severity-badge";

/** The start page: the runbooks that matter most under pressure, and the runs in progress or just finished. */
export default async function HomePage() {
  const actor = await requireActor();
  const runs = await listRecentRuns(actor);
  const urgent = listRunbooks().filter((rb) => rb.severity === "CRITICAL" || rb.severity === "HIGH");
  return (
    <>
      <h1 className="text-2xl font-semibold tracking-tight">Good to see you, {actor.name.split(" ")[0]}</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">When an alert fires: find its runbook (alerts carry a runbook label), follow it step by step, escalate early.</p>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card title="Critical and high-severity runbooks" actions={<Link href={paths.runbooks()} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">All runbooks</Link>}>
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {urgent.map((rb) => (
              <li key={rb.id} className="flex items-center justify-between gap-3 py-2">
                <Link href={paths.runbook(rb.id)} className="text-sm hover:underline">
                  <span className="font-medium">{rb.id}</span> {rb.title}
                </Link>
                <span className="flex items-center gap-2 text-xs text-zinc-500">
                  {rb.responseTime.label}
                  <SeverityBadge severity={rb.severity} />
                </span>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Recent runs">
          {runs.length === 0 ? (
            <p className="text-sm text-zinc-500">No runs yet. Start one from a runbook&apos;s page.</p>
          ) : (
            <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {runs.map((r) => (
                <li key={r.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                  <Link href={paths.run(r.id)} className="hover:underline">
                    <span className="font-medium">{r.runbookId}</span> by {r.startedBy.name}
                  </Link>
                  <span className="flex items-center gap-2 text-xs text-zinc-500">
                    <Time value={r.startedAt} />
                    {r.drill && <Badge tone="violet">drill</Badge>}
                    <Badge tone={r.status === "IN_PROGRESS" ? "blue" : "zinc"}>{r.status.replace("_", " ").toLowerCase()}</Badge>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
