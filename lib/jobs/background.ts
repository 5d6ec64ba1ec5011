import { db } from "../db";
import { log } from "../log";
import { env } from "../env";
import { LOCK_IDS } from "../locks";
import { autoEscalateWaitingSteps } from "../runs/escalation";
import { notifyOverdueSteps } from "../runs/overdue";
import { startLeaderLoop, type LeaderLoopHandle } from "./leader-loop";
import { deliverNotifications } from "./notifications";
import { runMassFailureDetector } from "../incidents/detector";
import { sharedTelemetry } from "../control-plane/telemetry";


export type Job = { name: string; run: () => Promise<unknown> };

/** The periodic jobs every replica offers to run; one (the lock holder) runs them. */
export function defaultJobs(): Job[] {
  const e = env();
  const afterMinutes = e.PORTAL_AUTO_ESCALATE_MINUTES;
  return [
    { name: "auto-escalation", run: () => autoEscalateWaitingSteps(db(), afterMinutes) },
    { name: "overdue steps", run: () => notifyOverdueSteps(db()) },
    { name: "notifications", run: () => deliverNotifications(db(), e.PORTAL_NOTIFY_WEBHOOK_URL) },
    ...(e.CONTROL_PLANE_URL ? [{ name: "mass-failure detector", run: async () => runMassFailureDetector(db(), (await sharedTelemetry().read()).data) }] : []),
  ];
}

/** Starts the periodic jobs under one advisory lock. A failing job is logged and does not stop the others. */
export function startBackgroundJobs(jobs: Job[] = defaultJobs(), intervalMs = env().PORTAL_JOBS_INTERVAL_MS): LeaderLoopHandle {
  return startLeaderLoop({
    name: "background jobs",
    lockId: LOCK_IDS.jobs,
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
