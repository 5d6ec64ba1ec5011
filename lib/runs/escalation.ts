import { appendAudit } from "../audit/log";
import type { Actor } from "../auth/roles";
import type { Db, Tx } from "../db";
import { runnerOf } from "../sql";
import { loadRunbookVersion } from "./service";

/** The run's URL for notifications (PORTAL_URL, else the default local address). */
function runUrl(runId: string) {
  return `${(process.env.PORTAL_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, "")}/runs/${runId}`;
}

/**
 * Raises a run one escalation level (L1 → L2 → L3, as its runbook defines), records who and why, and queues a
 * webhook notification in the same transaction.
 */
export async function escalateRun(tx: Tx, input: { runId: string; actor: Actor | null; reason: string; stepId?: string | null; automatic?: boolean }) {
  const run = await tx.run.findUniqueOrThrow({ where: { id: input.runId }, select: { id: true, drill: true, escalationLevel: true, runbookId: true, contentHash: true } });
  const runbook = await loadRunbookVersion(runnerOf(tx), run);
  const nextLevel = Math.min(run.escalationLevel + 1, runbook.escalation.length);
  const level = runbook.escalation[nextLevel - 1];
  if (nextLevel !== run.escalationLevel) await tx.run.update({ where: { id: run.id }, data: { escalationLevel: nextLevel } });
  const text = `${input.automatic ? "Automatic escalation" : `Escalation by ${input.actor?.name ?? "the portal"}`}: ${runbook.id} ${runbook.title} → ${level.level} (${level.who}). ${input.reason}`;
  await tx.notification.create({
    data: {
      kind: "run.escalated",
      payload: { text, runId: run.id, runbookId: runbook.id, level: level.level, who: level.who, roles: level.roles, reason: input.reason, stepId: input.stepId ?? null, automatic: Boolean(input.automatic), drill: run.drill, url: runUrl(run.id) },
    },
  });
  const details = { runbookId: runbook.id, level: level.level, who: level.who, reason: input.reason, stepId: input.stepId ?? null, automatic: Boolean(input.automatic), alreadyAtTop: nextLevel === run.escalationLevel };
  return { level, details };
}

/**
 * Escalates, once, every run whose current step has waited longer than `afterMinutes`. Each step is claimed with a
 * conditional update, so two replicas (or two passes) never escalate the same wait twice.
 */
export async function autoEscalateWaitingSteps(client: Db, afterMinutes: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - afterMinutes * 60_000);
  const waiting = await client.stepState.findMany({
    where: { currentSince: { lt: cutoff }, autoEscalatedAt: null, status: { in: ["PENDING", "AWAITING_SIGNATURES"] }, run: { status: "IN_PROGRESS" } },
    select: { runId: true, stepId: true, currentSince: true },
    take: 50,
  });
  let escalated = 0;
  for (const w of waiting) {
    await client.$transaction(async (tx) => {
      const claimed = await tx.stepState.updateMany({ where: { runId: w.runId, stepId: w.stepId, autoEscalatedAt: null }, data: { autoEscalatedAt: now } });
      if (claimed.count === 0) return;
      const minutes = Math.floor((now.getTime() - w.currentSince!.getTime()) / 60_000);
      const { details } = await escalateRun(tx, { runId: w.runId, actor: null, stepId: w.stepId, automatic: true, reason: `Step "${w.stepId}" has waited ${minutes} minutes for sign-off.` });
      await appendAudit(tx, { actor: null, action: "run.escalated", target: { type: "run", id: w.runId }, details });
      escalated++;
    });
  }
  return escalated;
}
