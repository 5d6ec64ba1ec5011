import { appendAudit } from "../audit/log";
import type { Db } from "../db";
import type { TelemetrySnapshot } from "../control-plane/contract";
import { detectMassFailure } from "../telemetry/mass-failure";
import { notifyIncidentOpened } from "../notifications/queue";

/**
 * The mass-failure detector (RB-LAUNCH-005): ≥ 5 flow failures within an hour across repos, or ≥ 3 repos above 50 %
 * failure rate. It opens one incident per episode — while the condition holds and a detector incident from this
 * episode is still open, nothing new is opened — however often it polls. Runs in the leader's jobs loop.
 */
/** When the current episode (the condition holding poll after poll) began, as seen by this process. */
const episode: { startedAt: Date | null } = { startedAt: null };

export async function runMassFailureDetector(client: Db, telemetry: TelemetrySnapshot | null, now = new Date()): Promise<{ opened: string | null; massFailure: boolean }> {
  if (!telemetry) return { opened: null, massFailure: false };
  const verdict = detectMassFailure({ lastHour: telemetry.aggregates.failures.lastHour, perRepo: telemetry.aggregates.failures.perRepo });
  if (!verdict.massFailure) {
    episode.startedAt = null;
    return { opened: null, massFailure: false };
  }
  episode.startedAt ??= now;
  const since = episode.startedAt;
  // Failures a drill injected into the simulator are the drill's, not an incident: none is opened for an hour after.
  const drill = await client.run.findFirst({
    where: { drill: true, drillScenario: { not: null }, OR: [{ status: "IN_PROGRESS" }, { endedAt: { gte: new Date(now.getTime() - 3600_000) } }] },
    select: { id: true },
  });
  if (drill) return { opened: null, massFailure: true };
  return client.$transaction(async (tx) => {
    // One incident per episode: none while a detector incident is open, nor if one was opened during this episode.
    const existing = await tx.incident.findFirst({
      where: { source: "DETECTOR", episodeKey: { startsWith: "mass-failure:" }, OR: [{ status: { in: ["OPEN", "MITIGATED"] } }, { detectedAt: { gte: since } }] },
    });
    if (existing) return { opened: null, massFailure: true };
    const episodeKey = `mass-failure:${now.toISOString()}`;
    const incident = await tx.incident.create({
      data: {
        title: `Mass failure: ${verdict.failuresLastHour} failures in the last hour across ${verdict.failingRepos.length} repos`,
        severity: "P1",
        source: "DETECTOR",
        summary: verdict.reasons.join(" "),
        suggestedRunbookId: "RB-LAUNCH-005",
        episodeKey,
        detectedAt: now,
      },
    });
    const notified = await notifyIncidentOpened(tx, incident);
    await appendAudit(tx, {
      actor: null,
      action: "incident.opened",
      target: { type: "incident", id: incident.id },
      details: { source: "mass-failure-detector", severity: "P1", suggestedRunbookId: "RB-LAUNCH-005", reasons: verdict.reasons, failingRepos: verdict.failingRepos, reposOverRate: verdict.reposOverRate, notified },
    });
    return { opened: incident.id, massFailure: true };
  });
}
