import { db } from "../db";
import { log } from "../log";
import { autoEscalateWaitingSteps } from "../runs/escalation";
import { notifyOverdueSteps } from "../runs/overdue";
import { startLeaderLoop, type LeaderLoopHandle } from "./leader-loop";
import { deliverNotifications } from "./notifications";
import { runMassFailureDetector } from "../incidents/detector";
import { sharedTelemetry } from "../control-plane/telemetry";

/** Lock id of the portal's periodic jobs (the audit chain uses 7_231_001, the relay 7_231_002). */
export const JOBS_LOCK_ID = 7_231_003;

export type Job = { name: string; run: () => Promise<unknown> };

/** The periodic jobs every replica offers to run; one (the lock holder) runs them. */
export function defaultJobs(): Job[] {
  const afterMinutes = Number(process.env.PORTAL_AUTO_ESCALATE_MINUTES ?? 15);
  return [
    { name: "auto-escalation", run: () => autoEscalateWaitingSteps(db(), afterMinutes) },
    { name: "overdue steps", run: () => notifyOverdueSteps(db()) },
    { name: "notifications", run: () => deliverNotifications(db(), process.env.PORTAL_NOTIFY_WEBHOOK_URL) },
    ...(process.env.CONTROL_PLANE_URL ? [{ name: "mass-failure detector", run: async () => runMassFailureDetector(db(), (await sharedTelemetry().read()).data) }] : []),
  ];
}

/** Starts the periodic jobs under one advisory lock. A failing job is logged and does not stop the others. */
export function startBackgroundJobs(jobs: Job[] = defaultJobs(), intervalMs = Number(process.env.PORTAL_JOBS_INTERVAL_MS ?? 10_000)): LeaderLoopHandle {
  return startLeaderLoop({
    name: "background jobs",
    lockId: JOBS_LOCK_ID,
    intervalMs,
    pass: async () => {
      for (const job of jobs) {
        try {
          await job.run();
        } catch (e) {
          log.warn("job.failed", { job: job.name, err: e });
        }
      }
      return false;
    },
  });
}
