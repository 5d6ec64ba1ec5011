import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { permissionsOf } from "@/lib/auth/permissions";
import { getRunView } from "@/lib/data/run-view";
import { RunView } from "@/components/runs/run-view";
import { escalationFor, statusPagesFor } from "@/lib/contacts/view";
import { EscalationContacts } from "@/components/contacts/escalation-contacts";

export const metadata: Metadata = { title: "Run" };

/** A run of a runbook, live: everyone on it sees sign-offs, decisions and command states within a second or two. */
export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor("run.view");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const view = await getRunView(actor, id.data);
  if (!view) notFound();
  const provider = view.prefill.provider?.value;
  return (
    <>
      <RunView initial={view} viewer={{ ...actor, permissions: permissionsOf(actor) }} />
      <div className="mt-6 max-w-xl">
        <EscalationContacts runbookId={view.runbookId} levels={escalationFor(view)} statusPages={typeof provider === "string" ? statusPagesFor([provider]) : undefined} />
      </div>
    </>
  );
}
