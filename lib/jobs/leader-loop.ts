import pg from "pg";
import { log } from "../log";

export type LeaderLoopOptions = {
  /** What the loop is, for logs. */
  name: string;
  /** Postgres advisory lock id: only the process holding it runs passes, so N replicas do the work once. */
  lockId: number;
  /** Pause between passes when the last pass found nothing more to do. */
  intervalMs: number;
  /** Connection for the lock (default DATABASE_URL). */
  databaseUrl?: string;
  /** One pass; return true when there is more work right away. */
  pass: () => Promise<boolean>;
};

/** Stops the loop (awaits the pass in progress, releases the lock). */
export type LeaderLoopHandle = (() => Promise<void>) & {
  /** True while this process holds the lock and runs passes. */
  isLeader(): boolean;
  /** Runs a pass now instead of at the next interval. */
  kick(): void;
};

/**
 * Runs `pass` on a timer in whichever replica holds a Postgres advisory lock. The lock is taken with
 * pg_try_advisory_lock on a dedicated connection, so it is released when the process or its connection dies and
 * another replica takes over on its next try.
 */
export function startLeaderLoop(opts: LeaderLoopOptions): LeaderLoopHandle {
  const url = opts.databaseUrl ?? process.env.DATABASE_URL;
  if (!url) throw new Error(`DATABASE_URL is not set: ${opts.name} needs it for its lock connection.`);
  let lockClient: pg.Client | null = null;
  let leader = false;
  let stopped = false;
  let wake: (() => void) | null = null;

  const dropLock = async () => {
    const c = lockClient;
    lockClient = null;
    leader = false;
    await c?.end().catch(() => {});
  };

  const holdsLock = async (): Promise<boolean> => {
    if (lockClient && leader) {
      try {
        await lockClient.query("SELECT 1");
        return true;
      } catch {
        await dropLock();
      }
    }
    if (!lockClient) {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
      c.on("error", (e) => {
        log.warn(`${opts.name} lost its lock connection`, { err: e });
        if (lockClient === c) void dropLock();
      });
      await c.connect();
      lockClient = c;
    }
    const r = await lockClient.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [opts.lockId]);
    leader = r.rows[0]?.locked === true;
    return leader;
  };

  const loop = async () => {
    while (!stopped) {
      try {
        if (await holdsLock()) {
          while (!stopped && (await opts.pass()));
        }
      } catch (e) {
        log.warn(`${opts.name} pass failed`, { err: e });
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };
  const running = loop();

  const stop = (async () => {
    stopped = true;
    wake?.();
    await running;
    if (lockClient && leader) await lockClient.query("SELECT pg_advisory_unlock($1)", [opts.lockId]).catch(() => {});
    await dropLock();
  }) as LeaderLoopHandle;
  stop.isLeader = () => leader;
  stop.kick = () => wake?.();
  return stop;
}
