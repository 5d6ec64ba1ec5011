import type { Metadata } from "next";
import { listRunbooks } from "@/lib/runbooks";
import { PageHeader } from "@/components/ui/page-header";
import { IncidentBoard } from "@/components/incidents/incident-board";

export const metadata: Metadata = { title: "Incidents" };
// Prerendered: everything per person or live is read by the board in the browser (/api/incidents/board). The proxy
// checks the session, the person and incident.view before serving it, and allows its scripts by hash (proxy.ts).
export const dynamic = "force-static";

/** The incident commander's screen. */
export default function IncidentsPage() {
  return (
    <>
      <PageHeader title="Incident command" description="Open incidents, runs in progress and what is waiting on whom. Updates every few seconds." />
      <IncidentBoard runbooks={listRunbooks().map((r) => ({ id: r.id, title: r.title }))} />
    </>
  );
}
