import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { getRunView } from "@/lib/data/run-view";
import { rcaDraft, rcaDueAt } from "@/lib/runs/rca";
import { paths } from "@/lib/paths";
import { RcaEditor } from "@/components/runs/rca-editor";

export const metadata: Metadata = { title: "RCA" };

/** The run's RCA: pre-filled from its timeline, sign-offs, decisions and commands; editable; exportable as Markdown. */
export default async function RcaPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor("run.view");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const run = await getRunView(actor, id.data);
  if (!run) notFound();
  const due = rcaDueAt(run);
  return (
    <>
      <p className="text-sm text-zinc-500">
        <Link href={paths.run(run.id)} className="hover:underline">
          {run.runbookId} run {run.id.slice(0, 8)}
        </Link>{" "}
        / RCA
      </p>
      <h1 className="mt-1 text-2xl font-semibold tracking-tight">Root cause analysis</h1>
      <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
        {run.status === "IN_PROGRESS"
          ? "The run is still in progress; the draft fills in as it goes. It can be saved once the run ends."
          : due
            ? `Due by ${due.toISOString().slice(0, 16).replace("T", " ")} UTC (48 hours after the run ended).`
            : "Optional for this severity."}
        {run.rca ? ` Last saved ${run.rca.updatedAt.slice(0, 16).replace("T", " ")} UTC.` : " Not saved yet: this is the generated draft."}
      </p>
      <RcaEditor runId={run.id} initial={run.rca?.markdown ?? rcaDraft(run)} canSave={run.status !== "IN_PROGRESS"} downloadHref={paths.api.rcaMarkdown(run.id)} />
    </>
  );
}
