import { appendAudit } from "../audit/log";
import { ROLE_LABELS } from "../auth/roles";
import type { Db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { query, runnerOf } from "../sql";
import { portalLink, queueNotification } from "../notifications/queue";
import { loadRunbookVersion } from "../stores/runbook-versions";

/**
 * Tells the chat, once per step, when a run's current step has waited on its roles (a sign-off, a request, approvals
 * or a decision) longer than the minutes its runbook expects. The notification is keyed by run and step, so a second
 * pass or another replica queues nothing; each one queued is audited (`run.step.overdue`) in its transaction, like an
 * escalation. Runs in the leader's jobs loop.
 */
export async function notifyOverdueSteps(client: Db, now = new Date()): Promise<number> {
  const sql = runnerOf(client);
  // Current steps waiting on people whose wait was not told yet (the key is the notification's eventKey).
  const waiting = await query<{ runId: string; stepId: string; status: string; currentSince: Date; runbookId: string; contentHash: string; drill: boolean }>(
    sql,
    Prisma.sql`SELECT s."runId"::text AS "runId", s."stepId", s."status"::text AS "status", s."currentSince", r."runbookId", r."contentHash", r."drill"
                 FROM "step_state" s JOIN "run" r ON r."id" = s."runId"
                WHERE r."status" = 'IN_PROGRESS' AND s."status" IN ('PENDING', 'AWAITING_SIGNATURES') AND s."currentSince" < ${now}::timestamptz
                  AND NOT EXISTS (SELECT 1 FROM "notification" n WHERE n."eventKey" = 'step.overdue:' || s."runId"::text || ':' || s."stepId")
                ORDER BY s."currentSince" LIMIT 200`,
  );
  const due: { key: string; runId: string; text: string; details: Record<string, unknown>; payload: Record<string, unknown> }[] = [];
  for (const w of waiting) {
    const runbook = await loadRunbookVersion(sql, w);
    const step = runbook.steps.find((s) => s.id === w.stepId);
    if (!step) continue;
    const waited = now.getTime() - new Date(w.currentSince).getTime();
    if (waited <= step.minutes * 60_000) continue;
    const minutes = Math.floor(waited / 60_000);
    const roles = step.signoff.map((r) => ROLE_LABELS[r]).join(" or ");
    const what = step.kind === "decision" ? "a go/no-go decision" : w.status === "AWAITING_SIGNATURES" ? "approval" : step.action || step.twoPerson ? "a request" : "sign-off";
    const url = portalLink(`/runs/${w.runId}#step-${step.id}`);
    const text = `${w.drill ? "[drill] " : ""}${runbook.id} ${runbook.title}: step ${step.number} "${step.title}" has waited ${minutes} min for ${what} by ${roles} (expected ${step.minutes} min). ${url}`;
    const details = { runbookId: runbook.id, stepId: step.id, waitedMinutes: minutes, expectedMinutes: step.minutes, roles: step.signoff, waitingFor: what, drill: w.drill };
    due.push({ key: `step.overdue:${w.runId}:${step.id}`, runId: w.runId, text, details, payload: { text, runId: w.runId, ...details, url } });
  }
  let queued = 0;
  for (const d of due) {
    await client.$transaction(async (tx) => {
      // Another pass or replica may have queued it since the read above: then nothing is queued nor audited.
      if (!(await queueNotification(tx, { eventKey: d.key, kind: "run.step.overdue", payload: d.payload }))) return;
      await appendAudit(tx, { actor: null, action: "run.step.overdue", target: { type: "run", id: d.runId }, details: { ...d.details, notification: d.key } });
      queued++;
    });
  }
  return queued;
}
