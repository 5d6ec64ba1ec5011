"use client";

import { useQuery } from "@tanstack/react-query";
import { setIncidentStatus, takeCommand } from "@/lib/next/actions/incidents";
import { can } from "@/lib/auth/permissions";
import { meQuery } from "@/lib/client/me";
import { ActionForm } from "../ui/action-form";
import { Button } from "../ui/button";

/** Take command, and move the incident through open → mitigated → resolved (reopen: commander only). */
export function IncidentControls({ incidentId, status, commanderId }: { incidentId: string; status: string; commanderId: string | null }) {
  const { data } = useQuery(meQuery);
  const me = data?.signedIn ? data.me : null;
  if (!me) return null;
  const canManage = can(me, "incident.manage");
  const mayReopen = can(me, "incident.reopen");
  const mayCommand = can(me, "incident.command");
  const next = status === "OPEN" ? ["MITIGATED", "RESOLVED"] : status === "MITIGATED" ? ["RESOLVED", ...(mayReopen ? ["OPEN"] : [])] : mayReopen ? ["OPEN"] : [];
  return (
    <div className="flex flex-wrap items-start gap-2">
      {mayCommand && commanderId !== me.id && (
        <ActionForm action={takeCommand} hidden={{ incidentId }}>
          {(pending) => (
            <Button type="submit" disabled={pending}>
              Take command
            </Button>
          )}
        </ActionForm>
      )}
      {canManage &&
        next.map((s) => (
          <ActionForm key={s} action={setIncidentStatus} hidden={{ incidentId, status: s }}>
            {(pending) => (
              <Button type="submit" variant={s === "RESOLVED" ? "primary" : "secondary"} disabled={pending}>
                {s === "OPEN" ? "Reopen" : s === "MITIGATED" ? "Mark mitigated" : "Mark resolved"}
              </Button>
            )}
          </ActionForm>
        ))}
    </div>
  );
}
