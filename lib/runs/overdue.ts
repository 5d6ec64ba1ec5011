import { appendAudit } from "../audit/log";
import { ROLE_LABELS } from "../auth/roles";
import type { Db } from "../db";
import { runnerOf } from "../sql";
import { portalLink, queueNotification } from "../notifications/queue";
import { loadRunbookVersion } from "./service";

/**
 * Tells the chat, once per step, when a run's current step has waited on its roles (a sign-off, a request, approvals
 * or a decision) longer than the minutes its runbook expects. The notification is keyed by run and step, so a second
 * pass or another replica queues nothing; each one queued is audited (`run.step.overdue`) in its transaction, like an
 * escalation. Runs in the leader's jobs loop.
 */
export async function notifyOverdueSteps(client: Db, now = new Date()): Promise<number> {
  const waiting = await client.stepState.findMany({
    where: { status: { in: ["PENDING", "AWAITING_SIGNATURES"] }, currentSince: { not: null, lt: now }, run: { status: "IN_PROGRESS" } },
    select: { runId: true, stepId: true, status: true, currentSince: true, run: { select: { runbookId: true, contentHash: true, drill: true } } },
    orderBy: { currentSince: "asc" },
    take: 200,
  });
  const sql = runnerOf(client);
  const due: { key: string; runId: string; text: string; details: Record<string, unknown>; payload: Record<string, unknown> }[] = [];
  for (const w of waiting) {
    const runbook = await loadRunbookVersion(sql, w.run);
    const step = runbook.steps.find((s) => s.id === w.stepId);
    if (!step) continue;
    const waited = now.getTime() - w.currentSince!.getTime();
    if (waited <= step.minutes * 60_000) continue;
    const minutes = Math.floor(waited / 60_000);
    const roles = step.signoff.map((r) => ROLE_LABELS[r]).join(" or ");
    const what = step.kind === "decision" ? "a go/no-go decision" : w.status === "AWAITING_SIGNATURES" ? "approval" : step.action || step.twoPerson ? "a request" : "sign-off";
    const url = portalLink(`/runs/${w.runId}#step-${step.id}`);
    const text = `${w.run.drill ? "[drill] " : ""}${runbook.id} ${runbook.title}: step ${step.number} "${step.title}" has waited ${minutes} min for ${what} by ${roles} (expected ${step.minutes} min). ${url}`;
    const details = { runbookId: runbook.id, stepId: step.id, waitedMinutes: minutes, expectedMinutes: step.minutes, roles: step.signoff, waitingFor: what, drill: w.run.drill };
    due.push({ key: `step.overdue:${w.runId}:${step.id}`, runId: w.runId, text, details, payload: { text, runId: w.runId, ...details, url } });
  }
  if (due.length === 0) return 0;
  const already = new Set((await client.notification.findMany({ where: { eventKey: { in: due.map((d) => d.key) } }, select: { eventKey: true } })).map((n) => n.eventKey));
  let queued = 0;
  for (const d of due.filter((x) => !already.has(x.key))) {
    await client.$transaction(async (tx) => {
      // Another pass or replica may have queued it since the read above: then nothing is queued nor audited.
      if (!(await queueNotification(tx, { eventKey: d.key, kind: "run.step.overdue", payload: d.payload }))) return;
      await appendAudit(tx, { actor: null, action: "run.step.overdue", target: { type: "run", id: d.runId }, details: { ...d.details, notification: d.key } });
      queued++;
    });
  }
  return queued;
}
