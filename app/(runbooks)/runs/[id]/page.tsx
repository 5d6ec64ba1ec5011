import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { getRun } from "@/lib/data/runs";
import { paths } from "@/lib/paths";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { SeverityBadge } from "@/components/runbooks/severity-badge";
import { StepList } from "@/components/runbooks/step-list";

export const metadata: Metadata = { title: "Run" };

const STATUS_TONE = { IN_PROGRESS: "blue", COMPLETED: "green", ABORTED: "zinc", ROLLED_BACK: "orange" } as const;

/** A run of a runbook: the exact version it was started on, its status and its steps in order. */
export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor("run.view");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const run = await getRun(actor, id.data);
  if (!run) notFound();
  const rb = run.runbook;
  return (
    <>
      <p className="text-sm text-zinc-500">
        <Link href={paths.runbook(run.runbookId)} className="hover:underline">
          {run.runbookId}
        </Link>{" "}
        / run
      </p>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">
          {rb.id} {rb.title}
        </h1>
        <Badge tone={STATUS_TONE[run.status]}>{run.status.replace("_", " ").toLowerCase()}</Badge>
        {run.drill && <Badge tone="violet">drill</Badge>}
        <SeverityBadge severity={rb.severity} note={rb.severityNote} />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-zinc-500">Started by</dt>
          <dd data-testid="run-started-by">{run.startedBy.name}</dd>
        </div>
        <div>
          <dt className="text-zinc-500">Started</dt>
          <dd>
            <Time value={run.startedAt} />
          </dd>
        </div>
        <div>
          <dt className="text-zinc-500">Response target</dt>
          <dd>{rb.responseTime.label}</dd>
        </div>
        <div>
          <dt className="text-zinc-500">Runbook version</dt>
          <dd className="font-mono text-xs" title={run.contentHash}>
            {run.contentHash.slice(0, 12)}
          </dd>
        </div>
      </dl>
      <div className="mt-6">
        <StepList steps={rb.steps} currentStepId={run.status === "IN_PROGRESS" ? rb.steps[0]?.id : undefined} />
      </div>
    </>
  );
}
