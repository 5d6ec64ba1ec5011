import type { ChildProcess } from "node:child_process";

/**
 * Sends a child process `signal` and resolves once it has exited (at once if it already had), so what it writes
 * as it stops (a data directory, a log) is finished before the caller removes or reads it.
 */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  return exited;
}
