import type { LevelContact } from "@/lib/contacts/hours";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { ExternalLinks } from "../ui/external-links";

const CHANNEL_LABEL = { slack: "Slack", email: "email", pagerduty: "PagerDuty", phone: "phone", url: "link" } as const;

function Channel({ kind, address }: { kind: keyof typeof CHANNEL_LABEL; address: string }) {
  const href = kind === "email" ? `mailto:${address}` : kind === "phone" ? `tel:${address}` : /^https?:\/\//.test(address) ? address : null;
  return (
    <span className="whitespace-nowrap">
      {href ? (
        <a href={href} className="text-indigo-700 underline dark:text-indigo-300" rel="noreferrer" target={href.startsWith("http") ? "_blank" : undefined}>
          {kind === "pagerduty" ? "PagerDuty" : address}
        </a>
      ) : (
        address
      )}{" "}
      <span className="text-zinc-500">({CHANNEL_LABEL[kind]})</span>
    </span>
  );
}

/**
 * A runbook's escalation path with whom to reach at each level, how, and whether they are in hours now; and the
 * status pages of the providers involved.
 */
export function EscalationContacts({ runbookId, levels, statusPages }: { runbookId: string; levels: LevelContact[]; statusPages?: { provider: string; label: string; url: string }[] }) {
  return (
    <Card title={`Escalation contacts (${runbookId})`}>
      <ol className="space-y-3 text-sm" data-testid="escalation-contacts">
        {levels.map((l) => (
          <li key={l.level} data-testid={`escalation-${l.level}`}>
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-semibold">{l.level}</span> {l.who}
              <span className="text-xs text-zinc-500">{l.afterMinutes === 0 ? "from the start" : `after ${l.afterMinutes} min`}</span>
            </div>
            {l.contact ? (
              <div className="mt-1 space-y-1">
                <div className="font-medium">{l.contact.name}</div>
                <div className="flex flex-wrap gap-x-3 gap-y-1">
                  {l.contact.channels.map((c) => (
                    <Channel key={`${c.kind}:${c.address}`} kind={c.kind} address={c.address} />
                  ))}
                </div>
                <div className="flex flex-wrap items-center gap-2 text-xs">
                  <Badge tone={l.contact.inHoursNow ? "green" : "amber"}>{l.contact.inHoursNow ? "in hours now" : "out of hours now"}</Badge>
                  <span className="text-zinc-500">{l.contact.hours.label}</span>
                  {l.contact.pages && <Badge tone="blue">pages</Badge>}
                </div>
              </div>
            ) : (
              <p className="mt-1 text-xs text-zinc-500">No contact configured for this level.</p>
            )}
          </li>
        ))}
      </ol>
      {statusPages && statusPages.length > 0 && (
        <div className="mt-4 border-t border-zinc-200 pt-3 text-sm dark:border-zinc-800" data-testid="status-pages">
          <span className="font-medium">Provider status: </span>
          <ExternalLinks links={statusPages} />
        </div>
      )}
    </Card>
  );
}
