/**
 * Runs once when a portal server starts. Every replica starts the outbox relay and the periodic jobs; Postgres
 * advisory locks let only one replica run each at a time, and another takes over if it stops.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Refuses to start on an unsafe or invalid configuration (e.g. passwordless sign-in on a real database).
  (await import("./lib/config-check")).checkConfigurationOrExit();
  const [{ installGracefulShutdown }, { env, loopsToStart }, { instrumentHttpServers }] = await Promise.all([import("./lib/shutdown"), import("./lib/env"), import("./lib/metrics/http")]);
  const settings = env();
  // Every request into the HTTP duration histogram (/metrics, docs/operations.md).
  instrumentHttpServers();
  // SIGTERM: stop taking requests, finish the deliveries in flight, release the advisory locks, exit in bounded time.
  type Stoppable = () => Promise<void>;
  const handles = globalThis as { portalJobs?: Stoppable; portalHeadSigner?: Stoppable; portalRelay?: Stoppable };
  installGracefulShutdown({
    timeoutMs: settings.PORTAL_SHUTDOWN_TIMEOUT_MS,
    tasks: () =>
      (
        [
          ["control-plane relay", handles.portalRelay],
          ["background jobs", handles.portalJobs],
          ["audit head signer", handles.portalHeadSigner],
        ] as const
      ).flatMap(([name, stop]) => (stop ? [{ name, stop: () => stop() }] : [])),
  });
  // PORTAL_JOBS, PORTAL_AUDIT_HEADS and PORTAL_RELAY turn their loop off independently (README, "Configuration").
  const loops = loopsToStart(settings);
  if (loops.jobs) {
    const { startBackgroundJobs } = await import("./lib/jobs/background");
    (globalThis as { portalJobs?: unknown }).portalJobs = startBackgroundJobs(undefined, settings.PORTAL_JOBS_INTERVAL_MS);
  }
  if (loops.headSigner && settings.AUDIT_HMAC_KEY) {
    // Signed audit-chain heads, every 15 minutes by default, by one replica (its own advisory lock).
    const { startHeadSigner } = await import("./lib/audit/head-signer");
    (globalThis as { portalHeadSigner?: unknown }).portalHeadSigner = startHeadSigner({ key: settings.AUDIT_HMAC_KEY, intervalMs: settings.PORTAL_AUDIT_HEAD_INTERVAL_MS });
  }
  if (!loops.relay) return;
  const [{ startRelay }, { settleRun }, { settleOnboardingCommand }, { runnerOf }, { log }] = await Promise.all([
    import("./lib/control-plane/relay"),
    import("./lib/stores/run-plans"),
    import("./lib/onboarding/service"),
    import("./lib/sql"),
    import("./lib/log"),
  ]);
  const relay = startRelay({
    intervalMs: settings.PORTAL_RELAY_INTERVAL_MS,
    onOutcome: async (tx, command) => {
      if (command.runId) await settleRun(runnerOf(tx), command.runId);
      else await settleOnboardingCommand(tx, command);
    },
  });
  (globalThis as { portalRelay?: typeof relay }).portalRelay = relay;
  log.info("relay.started", { controlPlane: settings.CONTROL_PLANE_URL });
}
