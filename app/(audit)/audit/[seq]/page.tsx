import type { Metadata } from "next";
import { Link } from "@/components/ui/link";
import { notFound } from "next/navigation";
import { requireActor } from "@/lib/next/guard";
import { can } from "@/lib/auth/permissions";
import { eventsOfRequest, getAuditEventDetail } from "@/lib/data/audit";
import { paths } from "@/lib/paths";
import { isSearchableText } from "@/lib/validation/audit";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Time } from "@/components/ui/time";
import { OutcomeBadge, TargetLabel } from "@/components/audit/event-table";
import { DiffTable, JsonBlock } from "@/components/audit/diff-table";
import { Breadcrumb } from "@/components/ui/breadcrumb";

export const metadata: Metadata = { title: "Audit event" };

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="grid grid-cols-[9rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-zinc-500">{label}</dt>
      <dd data-testid={testId} className="min-w-0 break-words">
        {children}
      </dd>
    </div>
  );
}

/** One audit event: who, what, when, from where, what changed, the control-plane request and response, and its place in the chain. */
export default async function AuditEventPage({ params }: { params: Promise<{ seq: string }> }) {
  const actor = await requireActor("audit.view.own");
  const { seq } = await params;
  if (!/^\d{1,18}$/.test(seq)) notFound();
  const detail = await getAuditEventDetail(actor, BigInt(seq));
  if (!detail) notFound();
  const { event: e, integrity } = detail;
  const sameRequest = e.requestId ? (await eventsOfRequest(actor, e.requestId, e.seq)).filter((x) => x.seq !== e.seq) : [];
  const details = (e.details ?? {}) as Record<string, unknown>;

  return (
    <>
      <Breadcrumb href={paths.audit()} parent="Audit log">event {e.seq.toString()}</Breadcrumb>
      <div className="mt-1 mb-4 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-2xl font-semibold tracking-tight" data-testid="event-action">
          {e.action}
        </h1>
        <OutcomeBadge outcome={e.outcome} />
        <span className="ml-auto flex gap-3 text-sm">
          {detail.newerSeq !== null && (
            <Link href={paths.auditEvent(detail.newerSeq)} className="text-indigo-700 hover:underline dark:text-indigo-300">
              ← Newer
            </Link>
          )}
          {detail.olderSeq !== null && (
            <Link href={paths.auditEvent(detail.olderSeq)} className="text-indigo-700 hover:underline dark:text-indigo-300">
              Older →
            </Link>
          )}
        </span>
      </div>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Who, what, when">
          <dl>
            <Row label="Event">#{e.seq.toString()}</Row>
            <Row label="When">
              <Time value={e.at} />
            </Row>
            <Row label="Who" testId="event-actor">
              {e.actorEmail ?? "system (no person)"} {e.actorRoles.length > 0 && <span className="text-xs text-zinc-500">({e.actorRoles.join(", ")})</span>}
              {e.actorId && <span className="block font-mono text-xs text-zinc-500">{e.actorId}</span>}
            </Row>
            <Row label="What">
              <span className="font-mono">{e.action}</span> — <OutcomeBadge outcome={e.outcome} />
              {e.outcome === "refused" && typeof details.reason === "string" && <span className="block text-sm text-red-700 dark:text-red-300">Refused: {details.reason}</span>}
            </Row>
            <Row label="Target">
              <TargetLabel type={e.targetType} id={e.targetId} />
              {e.targetId && <span className="block font-mono text-xs text-zinc-500">{e.targetId}</span>}
            </Row>
            <Row label="From where" testId="event-request">
              {e.requestId ? (
                <>
                  request <span className="font-mono text-xs">{e.requestId}</span>
                  <span className="block text-xs text-zinc-500">The server log lines of this request carry the same id.</span>
                  {sameRequest.length > 0 && (
                    <span className="block text-xs">
                      Same request:{" "}
                      {sameRequest.map((x) => (
                        <Link key={x.seq.toString()} href={paths.auditEvent(x.seq)} className="mr-2 text-indigo-700 hover:underline dark:text-indigo-300">
                          #{x.seq.toString()} {x.action}
                        </Link>
                      ))}
                    </span>
                  )}
                </>
              ) : (
                <span className="text-zinc-500">no request: written by the portal itself (relay, jobs, seed)</span>
              )}
            </Row>
          </dl>
        </Card>

        <Card title="Linked records">
          <dl>
            <Row label="Run" testId="event-run">
              {detail.run ? (
                <Link href={paths.run(detail.run.id)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {detail.run.runbookId} run {detail.run.id.slice(0, 8)}
                </Link>
              ) : (
                "—"
              )}
              {detail.run && <span className="ml-2 text-xs text-zinc-500">{detail.run.status.toLowerCase().replace("_", " ")}</span>}
            </Row>
            <Row label="Incident" testId="event-incident">
              {detail.incident ? (
                <>
                  <Link href={paths.incident(detail.incident.id)} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {detail.incident.title}
                  </Link>{" "}
                  <Badge>{detail.incident.status.toLowerCase()}</Badge>
                  {can(actor, "audit.view.all") && (
                    <span className="block text-xs">
                      <Link href={paths.audit({ incident: detail.incident.id })} className="text-indigo-700 hover:underline dark:text-indigo-300">
                        all its events
                      </Link>{" "}
                      ·{" "}
                      <a href={paths.api.auditBundle(detail.incident.id, "json")} className="text-indigo-700 hover:underline dark:text-indigo-300" download>
                        evidence bundle
                      </a>
                    </span>
                  )}
                </>
              ) : (
                "—"
              )}
            </Row>
            <Row label="Repos">
              {detail.repos.length
                ? detail.repos.map((r) =>
                    isSearchableText(r) ? (
                      <Link key={r} href={paths.audit({ q: r })} className="mr-2 font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300" title={`Events that mention ${r}`}>
                        {r}
                      </Link>
                    ) : (
                      <span key={r} className="mr-2 font-mono text-xs">
                        {r}
                      </span>
                    ),
                  )
                : "—"}
            </Row>
            <Row label="Command">
              {detail.command ? (
                <Link href={paths.audit({ targetType: "command", targetId: detail.command.id })} className="font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300" data-testid="event-command-link">
                  {detail.command.action} {detail.command.id.slice(0, 8)}
                </Link>
              ) : (
                "—"
              )}
            </Row>
          </dl>
        </Card>
      </div>

      {detail.diff && (
        <Card title="What changed" className="mt-4">
          <DiffTable rows={detail.diff} />
        </Card>
      )}

      {(detail.request || detail.command) && (
        <Card title="Control-plane request and response" className="mt-4">
          <div className="grid gap-4 lg:grid-cols-2" data-testid="event-control-plane">
            <div>
              <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">Request{detail.request?.action ? `: ${detail.request.action}` : ""}</h3>
              <JsonBlock value={detail.request?.params ?? detail.command?.params ?? null} testId="event-request-params" />
              {detail.command && (
                <p className="mt-1 text-xs text-zinc-500">
                  idempotency key <span className="font-mono">{detail.command.idempotencyKey}</span> · request hash <span className="font-mono">{detail.command.requestHash.slice(0, 16)}…</span>
                </p>
              )}
            </div>
            <div>
              <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                Response{detail.command ? ` — ${detail.command.state.toLowerCase()} after ${detail.command.attempts} attempt${detail.command.attempts === 1 ? "" : "s"}` : ""}
              </h3>
              {detail.command ? (
                <>
                  <JsonBlock value={detail.command.response ?? null} testId="event-response" />
                  {detail.command.lastError && <p className="mt-1 text-xs text-red-700 dark:text-red-300">Last error: {detail.command.lastError}</p>}
                </>
              ) : (
                <p className="text-sm text-zinc-500">No command record for this request.</p>
              )}
            </div>
          </div>
        </Card>
      )}

      <Card title="Details as recorded" className="mt-4">
        <JsonBlock value={e.details} testId="event-details" />
      </Card>

      <Card title="Place in the chain" className="mt-4">
        <dl>
          <Row label="Hash">
            <span className="break-all font-mono text-xs">{e.hash}</span>{" "}
            <Badge tone={integrity.hashMatches ? "green" : "red"}>{integrity.hashMatches ? "matches the content" : "does not match the content"}</Badge>
          </Row>
          <Row label="Previous hash">
            <span className="break-all font-mono text-xs">{e.prevHash}</span>{" "}
            {integrity.linksToPrevious !== null && <Badge tone={integrity.linksToPrevious ? "green" : "red"}>{integrity.linksToPrevious ? `is event ${e.seq - 1n}'s hash` : `is not event ${e.seq - 1n}'s hash`}</Badge>}
            {integrity.linksToPrevious === null && <Badge tone="red">event {(e.seq - 1n).toString()} is missing</Badge>}
          </Row>
        </dl>
        <p className="mt-2 text-xs text-zinc-500">These checks cover this event alone; “Verify whole chain” on the audit log checks every event and the signed heads.</p>
      </Card>
    </>
  );
}
