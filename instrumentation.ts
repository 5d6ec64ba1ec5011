/**
 * Runs once when a portal server starts. Every replica starts the outbox relay and the periodic jobs; Postgres
 * advisory locks let only one replica run each at a time, and another takes over if it stops.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (!process.env.DATABASE_URL || process.env.PORTAL_JOBS === "off") return;
  const { startBackgroundJobs } = await import("./lib/jobs/background");
  (globalThis as { portalJobs?: unknown }).portalJobs = startBackgroundJobs();
  if (!process.env.CONTROL_PLANE_URL || process.env.PORTAL_RELAY === "off") return;
  const [{ startRelay }, { settleRun }, { log }] = await Promise.all([import("./lib/control-plane/relay"), import("./lib/runs/service"), import("./lib/log")]);
  const relay = startRelay({
    intervalMs: Number(process.env.PORTAL_RELAY_INTERVAL_MS ?? 500),
    onOutcome: async (tx, command) => {
      if (command.runId) await settleRun(tx, command.runId);
    },
  });
  (globalThis as { portalRelay?: typeof relay }).portalRelay = relay;
  // No signal handlers here: the lock lives on the relay's own connection and is released when the process exits.
  log.info("relay.started", { controlPlane: process.env.CONTROL_PLANE_URL });
}
