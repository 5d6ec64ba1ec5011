import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireActor } from "@/lib/next/guard";
import { getIncident } from "@/lib/data/incidents";
import { getRunbook } from "@/lib/runbooks";
import { paths } from "@/lib/paths";
import { can } from "@/lib/auth/permissions";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { AutoRefresh } from "@/components/ui/auto-refresh";
import { Since } from "@/components/incidents/since";
import { IncidentControls } from "@/components/incidents/incident-controls";
import { StartRunForm } from "@/components/runbooks/start-run-form";
import { escalationFor, providersOf, statusPagesFor } from "@/lib/contacts/view";
import { followUpPanel } from "@/lib/followups/read";
import { EscalationContacts } from "@/components/contacts/escalation-contacts";
import { FollowUpCard } from "@/components/followups/follow-up-card";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const metadata: Metadata = { title: "Incident" };

/** One incident: its clock, commander, status, alerts, linked runs and timeline; start the suggested runbook from here. */
export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requireActor("incident.view");
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) notFound();
  const incident = await getIncident(actor, id.data);
  if (!incident) notFound();
  const suggested = incident.suggestedRunbookId ? getRunbook(incident.suggestedRunbookId) : undefined;
  const open = incident.status !== "RESOLVED";
  const followUps = await followUpPanel(actor, { incidentId: incident.id });
  const providers = providersOf(incident.alerts);
  return (
    <>
      <AutoRefresh intervalMs={3_000} />
      <Breadcrumb href={paths.incidents()} parent="Incidents">{incident.id.slice(0, 8)}</Breadcrumb>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{incident.title}</h1>
        <Badge tone={incident.severity === "P1" ? "red" : incident.severity === "P2" ? "orange" : "amber"}>{incident.severity}</Badge>
        <Badge tone={incident.status === "OPEN" ? "red" : incident.status === "MITIGATED" ? "amber" : "green"}>
          <span data-testid="incident-status">{incident.status.toLowerCase()}</span>
        </Badge>
        <span className="text-sm text-zinc-500">from {incident.source.toLowerCase()}</span>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-4 text-sm">
        <span>
          Since detection: {open ? <Since from={incident.detectedAt.toISOString()} targetMinutes={incident.responseMinutes} testId="incident-clock" /> : `resolved ${incident.resolvedAt?.toISOString().slice(0, 16).replace("T", " ")} UTC`}
        </span>
        <span>Commander: {incident.commander ?? "none yet"}</span>
      </div>
      {incident.summary && <p className="mt-2 max-w-3xl text-sm text-zinc-700 dark:text-zinc-300">{incident.summary}</p>}
      <div className="mt-3 flex flex-wrap items-start gap-3">
        <IncidentControls incidentId={incident.id} status={incident.status} commanderId={incident.commanderId} />
        {can(actor, "audit.view.all") && (
          <span className="text-sm">
            Evidence bundle:{" "}
            <a href={paths.api.auditBundle(incident.id)} className="text-indigo-700 underline dark:text-indigo-300" download>
              JSON
            </a>{" "}
            ·{" "}
            <a href={paths.api.auditBundle(incident.id, "md")} className="text-indigo-700 underline dark:text-indigo-300" download>
              Markdown
            </a>
          </span>
        )}
      </div>
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card title="Runbook">
          {suggested ? (
            <div className="space-y-2" data-testid="suggested-runbook">
              <p className="text-sm">
                Suggested:{" "}
                <Link href={paths.runbook(suggested.id)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {suggested.id} {suggested.title}
                </Link>{" "}
                ({suggested.responseTime.label})
              </p>
              {open && <StartRunForm runbookId={suggested.id} startRoles={suggested.startRoles} incidentId={incident.id} label={`Start ${suggested.id} for this incident`} />}
            </div>
          ) : (
            <p className="text-sm text-zinc-500">No runbook suggested. Pick one from the runbook index.</p>
          )}
          <h3 className="mt-4 text-sm font-semibold">Linked runs</h3>
          <ul className="mt-1 divide-y divide-zinc-200 text-sm dark:divide-zinc-800" data-testid="linked-runs">
            {incident.runs.length === 0 && <li className="py-1 text-zinc-500">None yet.</li>}
            {incident.runs.map((r) => (
              <li key={r.id} className="py-1">
                <Link href={paths.run(r.id)} className="hover:underline">
                  {r.runbookId} {r.title}
                </Link>{" "}
                <Badge tone={r.status === "IN_PROGRESS" ? "blue" : "green"}>{r.status.replace("_", " ").toLowerCase()}</Badge>
                {r.current && <span className="ml-2 text-xs text-zinc-500">step {r.current.number}: {r.current.title}</span>}
              </li>
            ))}
          </ul>
        </Card>
        <Card title={`Alerts (${incident.alerts.length})`}>
          {incident.alerts.length === 0 ? (
            <p className="text-sm text-zinc-500">Not opened from an alert.</p>
          ) : (
            <ul className="space-y-2 text-sm" data-testid="incident-alerts">
              {incident.alerts.map((a) => (
                <li key={a.id}>
                  <span className="font-medium">{a.alertname}</span> <Badge tone={a.status === "firing" ? "red" : "green"}>{a.status}</Badge>
                  {a.runbookId && <span className="ml-2 text-xs">runbook {a.runbookId}</span>}
                  <div className="font-mono text-xs text-zinc-500">{Object.entries(a.labels as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(" ")}</div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      {suggested && (
        <div className="mt-4">
          <EscalationContacts runbookId={suggested.id} levels={escalationFor(suggested)} statusPages={providers.length || suggested.id === "RB-CORE-004" ? statusPagesFor(providers) : undefined} />
        </div>
      )}
      {followUps && <FollowUpCard panel={followUps} parent={{ incidentId: incident.id }} />}
      <Card title="Timeline" className="mt-4">
        <ol className="space-y-1 text-sm" data-testid="incident-timeline">
          {incident.timeline.map((e) => (
            <li key={e.seq} className={e.outcome === "refused" ? "text-red-700" : undefined}>
              <span className="font-mono text-xs text-zinc-500">{e.at.slice(0, 19).replace("T", " ")}</span> <strong>{e.actor}</strong> <span className="font-mono text-xs">{e.action}</span>
            </li>
          ))}
        </ol>
      </Card>
    </>
  );
}
