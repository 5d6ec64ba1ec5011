"use client";

import { Link } from "@/components/ui/link";
import type { Role } from "@/lib/auth/roles";
import type { PanelAlert } from "@/lib/telemetry/alerts";
import { paths } from "@/lib/paths";
import { StartRunForm } from "../runbooks/start-run-form";
import { SeverityBadge } from "../runbooks/severity-badge";
import { cx } from "../ui/cx";

/** What a panel needs to offer a runbook: read from the runbook files on the server. */
export type OfferRunbook = { id: string; title: string; severity: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW"; startRoles: Role[] };

/** A crossed threshold's runbook, startable with one click by those whose role may start it. */
export function RunbookOffer({ runbook, severity, reasons }: { runbook: OfferRunbook; severity: PanelAlert["severity"]; reasons: string[] }) {
  return (
    <div
      role="group"
      aria-label={`Suggested runbook ${runbook.id}`}
      data-testid={`offer-${runbook.id}`}
      className={cx(
        "flex flex-wrap items-start justify-between gap-3 rounded-md border p-3",
        severity === "critical" ? "border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40" : "border-amber-300 bg-amber-50 dark:border-amber-800 dark:bg-amber-950/40",
      )}
    >
      <div className="min-w-0 flex-1">
        <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
          <Link href={paths.runbook(runbook.id)} className="hover:underline">
            {runbook.id} {runbook.title}
          </Link>
          <SeverityBadge severity={runbook.severity} />
        </p>
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-zinc-700 dark:text-zinc-300">
          {reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </div>
      <StartRunForm runbookId={runbook.id} startRoles={runbook.startRoles} />
    </div>
  );
}
