import { appendAudit } from "../audit/log";
import type { Actor } from "../auth/roles";
import type { Db, Tx } from "../db";
import { runnerOf } from "../sql";
import type { Runbook } from "../runbooks";
import { loadRunbookVersion } from "../stores/runbook-versions";
import { claimAutoEscalation, raiseEscalationLevel, readRunHeader, stepsWaitingSince } from "../stores/runs";
import { portalLink } from "../notifications/queue";
import { escalationFor } from "../contacts/view";
import { contactLine } from "../contacts/hours";

/** The run's URL for notifications (PORTAL_URL, else the default local address). */
const runUrl = (runId: string) => portalLink(`/runs/${runId}`);

type Level = Runbook["escalation"][number];

/** What escalateRun did: raised the run one level (and queued its notification), or nothing, and why. */
export type Escalation =
  | { escalated: true; level: Level; details: Record<string, unknown> }
  | { escalated: false; level: Level; message: string };

/**
 * Raises a run one escalation level (L1 → L2 → L3, as its runbook defines), records who and why, and queues a
 * webhook notification in the same transaction. Each level is escalated to at most once: at the top level, or when
 * the run already reached the level asked for (`toLevel`, from a page that may be stale), or when someone else
 * raised it meanwhile, nothing changes and no notification is queued.
 */
export async function escalateRun(tx: Tx, input: { runId: string; actor: Actor | null; reason: string; toLevel?: string; stepId?: string | null; automatic?: boolean }): Promise<Escalation> {
  const sql = runnerOf(tx);
  const run = await readRunHeader(sql, input.runId);
  if (!run) throw new Error(`There is no run ${input.runId}.`);
  const runbook = await loadRunbookVersion(sql, run);
  const reached = (at: number): Escalation => {
    const level = runbook.escalation[Math.min(at, runbook.escalation.length) - 1];
    return {
      escalated: false,
      level,
      message:
        at >= runbook.escalation.length
          ? `This run is already escalated to ${level.level} (${level.who}), the highest level of ${runbook.id}, and they were notified then; there is no further level. Reach them directly.`
          : `This run is already escalated to ${level.level} (${level.who}), and they were notified then; reload to see it.`,
    };
  };
  const current = run.escalationLevel;
  if (current >= runbook.escalation.length) return reached(current);
  const level = runbook.escalation[current];
  if (input.toLevel && input.toLevel !== level.level) {
    const asked = runbook.escalation.findIndex((l) => l.level === input.toLevel) + 1;
    if (asked > 0 && asked <= current) return reached(current);
    return { escalated: false, level, message: `Escalation goes one level at a time: the next level of this run is ${level.level} (${level.who}).` };
  }
  // Conditional on the level read above: of two escalations at the same moment, the second finds the level moved.
  if (!(await raiseEscalationLevel(sql, run.id, current))) {
    const latest = await readRunHeader(sql, run.id);
    return reached(latest!.escalationLevel);
  }
  // The contact of the level escalated to (lib/contacts: the contacts file, else the seed's table).
  const reach = escalationFor(runbook).find((l) => l.level === level.level)?.contact ?? null;
  const contact = reach ? `${contactLine(reach)}${reach.inHoursNow ? "" : " (out of hours now)"}` : null;
  const text = `${input.automatic ? "Automatic escalation" : `Escalation by ${input.actor?.name ?? "the portal"}`}: ${runbook.id} ${runbook.title} → ${level.level} (${level.who}). ${input.reason}${contact ? ` Contact ${contact}.` : ""}`;
  await tx.notification.create({
    data: {
      kind: "run.escalated",
      payload: { text, runId: run.id, runbookId: runbook.id, level: level.level, who: level.who, roles: level.roles, reason: input.reason, contact, stepId: input.stepId ?? null, automatic: Boolean(input.automatic), drill: run.drill, url: runUrl(run.id) },
    },
  });
  const details = { runbookId: runbook.id, level: level.level, who: level.who, reason: input.reason, stepId: input.stepId ?? null, automatic: Boolean(input.automatic) };
  return { escalated: true, level, details };
}

/**
 * Escalates, once, every run whose current step has waited longer than `afterMinutes`. Each step is claimed with a
 * conditional update, so two replicas (or two passes) never escalate the same wait twice; a run already at its top
 * level is not escalated (nor notified) again.
 */
export async function autoEscalateWaitingSteps(client: Db, afterMinutes: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - afterMinutes * 60_000);
  const waiting = await stepsWaitingSince(runnerOf(client), cutoff);
  let escalated = 0;
  for (const w of waiting) {
    await client.$transaction(async (tx) => {
      if (!(await claimAutoEscalation(runnerOf(tx), w.runId, w.stepId, now))) return;
      const minutes = Math.floor((now.getTime() - w.currentSince.getTime()) / 60_000);
      const escalation = await escalateRun(tx, { runId: w.runId, actor: null, stepId: w.stepId, automatic: true, reason: `Step "${w.stepId}" has waited ${minutes} minutes for sign-off.` });
      // At the top level (or raised meanwhile) the wait stays claimed, and nobody is notified again.
      if (!escalation.escalated) return;
      await appendAudit(tx, { actor: null, action: "run.escalated", target: { type: "run", id: w.runId }, details: escalation.details });
      escalated++;
    });
  }
  return escalated;
}
