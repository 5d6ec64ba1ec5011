import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { getRunView } from "@/lib/data/run-view";
import { getRcaHistory } from "@/lib/data/rca";
import { mayWorkOnRun } from "@/lib/auth/permissions";
import { runWorkRefusal } from "@/lib/runs/ownership";
import { rcaDraft, rcaDueAt } from "@/lib/runs/rca";
import { paths } from "@/lib/paths";
import { RcaEditor } from "@/components/runs/rca-editor";
import { RcaHistoryCard } from "@/components/runs/rca-history";
import { followUpPanel } from "@/lib/followups/read";
import { FollowUpCard } from "@/components/followups/follow-up-card";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const metadata: Metadata = { title: "RCA" };

const versionParam = z.coerce.number().int().positive().optional().catch(undefined);

/**
 * The run's RCA: pre-filled from its timeline, sign-offs, decisions and commands; editable by the people who may work
 * on the run; every saved version listed with the lines it changed; exportable as Markdown.
 */
export default async function RcaPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ version?: string }> }) {
  const actor = await requireActor("run.view");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const [run, history] = await Promise.all([getRunView(actor, id.data), getRcaHistory(actor, id.data, versionParam.parse((await searchParams).version))]);
  if (!run || !history) notFound();
  const due = rcaDueAt(run);
  const ended = run.status !== "IN_PROGRESS";
  const mayEdit = mayWorkOnRun(actor, run.signOffRoles);
  const latest = history.versions[0];
  const followUps = await followUpPanel(actor, { runId: run.id, signOffRoles: run.signOffRoles });
  return (
    <>
      <Breadcrumb href={paths.run(run.id)} parent={<>{run.runbookId} run {run.id.slice(0, 8)}</>}>RCA</Breadcrumb>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">Root cause analysis</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {!ended
          ? "The run is still in progress; the draft fills in as it goes. It can be saved once the run ends."
          : due
            ? `Due by ${due.toISOString().slice(0, 16).replace("T", " ")} UTC (48 hours after the run ended).`
            : "Optional for this severity."}
        {latest
          ? ` Version ${latest.version}, saved by ${latest.author} ${latest.createdAt.slice(0, 16).replace("T", " ")} UTC.`
          : " Not saved yet: this is the generated draft."}
      </p>
      {ended && !mayEdit && (
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" data-testid="rca-read-only">
          {runWorkRefusal(actor, run, "edit this run's RCA")}
        </p>
      )}
      <RcaEditor
        runId={run.id}
        initial={run.rca?.markdown ?? rcaDraft(run)}
        baseVersion={run.rca?.version ?? 0}
        canSave={ended && mayEdit}
        downloadHref={paths.api.rcaMarkdown(run.id)}
      />
      {followUps && <FollowUpCard panel={followUps} parent={{ runId: run.id }} />}
      <RcaHistoryCard runId={run.id} history={history} />
    </>
  );
}
