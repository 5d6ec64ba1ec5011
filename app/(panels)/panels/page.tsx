import type { Metadata } from "next";
import { requireActor } from "@/lib/next/guard";
import { getRunbook } from "@/lib/runbooks";
import { sharedPanels } from "@/lib/telemetry/read";
import { PANEL_RUNBOOK_IDS } from "@/lib/telemetry/thresholds";
import { PageHeader } from "@/components/ui/page-header";
import { PanelsView } from "@/components/panels/panels-view";
import type { OfferRunbook } from "@/components/panels/runbook-offer";
import { getContacts } from "@/lib/contacts/load";

export const metadata: Metadata = { title: "Live panels" };

/** Budget, quota, SLO and capacity, live, with every crossed threshold's runbook one click away. */
export default async function PanelsPage() {
  await requireActor("panels.view");
  const { body } = await sharedPanels().read();
  return (
    <>
      <PageHeader title="Live panels" description="Thresholds from the runbook index; a crossed line offers its runbook. Runs started here are real (tick Drill for practice)." />
      <PanelsView initial={body} runbooks={offerRunbooks()} statusPages={getContacts().links.statusPages} />
    </>
  );
}

function offerRunbooks(): Record<string, OfferRunbook> {
  const out: Record<string, OfferRunbook> = {};
  for (const id of PANEL_RUNBOOK_IDS) {
    const rb = getRunbook(id);
    if (rb) out[id] = { id: rb.id, title: rb.title, severity: rb.severity, startRoles: rb.startRoles };
  }
  return out;
}
