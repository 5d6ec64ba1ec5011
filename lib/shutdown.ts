/**
 * Graceful stop on SIGTERM (and SIGINT). In order, and within PORTAL_SHUTDOWN_TIMEOUT_MS (default 8 s, below
 * Docker's 10 s and Kubernetes' 30 s before SIGKILL):
 * 1. readiness turns 503 ("shutting down") for anyone still asking on an open connection;
 * 2. Next.js's own handler closes the listening socket (no new connections) and waits for the requests in flight;
 * 3. at the same time the background loops stop: the relay finishes the deliveries it has in flight and records their
 *    outcomes, then releases its advisory lock, as do the jobs loop and the head signer;
 * 4. the process exits once both are done, or when the time is up, whatever is still running.
 * A delivery cut off by the time limit stays SENDING and is sent again by the next relay with the same idempotency
 * key, so the control plane still acts once.
 *
 * How: `next start` (and the standalone server.js) installs its own SIGTERM/SIGINT handler, which ends with
 * process.exit. This module takes that handler over: it runs it, but holds its process.exit back until the
 * background work is done. With NEXT_MANUAL_SIG_HANDLE set, Next installs none, and this module stops the
 * background work and exits itself (the HTTP server is then not drained).
 */
import { log } from "./log";

export type ShutdownTask = { name: string; stop: () => Promise<void> };

type State = { installed: boolean; shuttingDown: boolean; startedAt: number | null };
const globalForShutdown = globalThis as unknown as { portalShutdown?: State };
const state = (): State => (globalForShutdown.portalShutdown ??= { installed: false, shuttingDown: false, startedAt: null });

/** True once a stop signal arrived (readiness answers 503 from then on). */
export function isShuttingDown(): boolean {
  return state().shuttingDown;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGTERM: 143, SIGINT: 130 };

export type ShutdownOptions = {
  /** What to stop, asked when the signal arrives (handles may be created after installation). */
  tasks: () => ShutdownTask[];
  timeoutMs: number;
  signals?: NodeJS.Signals[];
};

/** Installs the handler once per process. */
export function installGracefulShutdown(opts: ShutdownOptions): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  const signals = opts.signals ?? ["SIGTERM", "SIGINT"];
  // The handlers installed before us (Next's server cleanup), run when a signal comes, in their order.
  const inherited = new Map(signals.map((sig) => [sig, process.listeners(sig) as ((signal: NodeJS.Signals) => void)[]]));
  for (const sig of signals) {
    for (const l of inherited.get(sig) ?? []) process.removeListener(sig, l);
    process.on(sig, (signal: NodeJS.Signals) => onSignal(signal));
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (s.shuttingDown) return;
    s.shuttingDown = true;
    s.startedAt = Date.now();
    const realExit = process.exit.bind(process) as (code?: number) => never;
    const fallbackCode = EXIT_CODES[signal] ?? 128;
    const tasks = opts.tasks();
    log.info("shutdown.started", { signal, timeoutMs: opts.timeoutMs, stopping: tasks.map((t) => t.name) });

    const pending = new Set(tasks.map((t) => t.name));
    const background = Promise.allSettled(
      tasks.map(async (t) => {
        try {
          await t.stop();
          log.info("shutdown.stopped", { task: t.name, ms: Date.now() - s.startedAt! });
        } catch (e) {
          log.warn("shutdown.stop_failed", { task: t.name, err: e });
        } finally {
          pending.delete(t.name);
        }
      }),
    );

    let exiting = false;
    const exit = (code: number, why: string) => {
      if (exiting) return;
      exiting = true;
      clearTimeout(deadline);
      log.info("shutdown.complete", { signal, code, why, ms: Date.now() - s.startedAt!, unfinished: [...pending] });
      realExit(code);
    };
    const deadline = setTimeout(() => exit(fallbackCode, `time limit of ${opts.timeoutMs} ms reached`), opts.timeoutMs);

    // Next's handler ends with process.exit once its server is closed: hold that until the background work is done.
    process.exit = ((code?: number) => {
      void background.then(() => exit(typeof code === "number" ? code : fallbackCode, "server closed and background work stopped"));
      return undefined as never;
    }) as typeof process.exit;

    const handlers = inherited.get(signal) ?? [];
    if (handlers.length === 0) {
      void background.then(() => exit(fallbackCode, "background work stopped (no server handler to wait for)"));
      return;
    }
    for (const h of handlers) {
      try {
        h(signal);
      } catch (e) {
        log.warn("shutdown.handler_failed", { err: e });
      }
    }
  };
}
