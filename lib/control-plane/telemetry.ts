/**
 * One shared, briefly cached read of the control plane's telemetry, so that any number of viewers polling the live
 * panels cost the control plane one request per TTL. Concurrent callers share the single request in flight. When a
 * refresh fails, callers get the last good snapshot marked stale, with the error to show beside it.
 */
import type { ControlPlaneClient } from "./client";
import { controlPlaneClient } from "./config";
import type { TelemetrySnapshot } from "./contract";

export type TelemetryRead = {
  /** The latest snapshot obtained, or null if none was ever obtained. */
  data: TelemetrySnapshot | null;
  /** When `data` was fetched (portal clock). */
  fetchedAt: Date | null;
  /** True when `data` is older than the TTL because the last refresh failed. */
  stale: boolean;
  /** Message of the last failed refresh, until a refresh succeeds. */
  error: string | null;
};

export type TelemetryCache = {
  read(): Promise<TelemetryRead>;
  /** Forgets the cached snapshot (e.g. after an action), so the next read fetches. */
  invalidate(): void;
};

export type TelemetryCacheOptions = {
  client: ControlPlaneClient;
  /** Default 2000 ms. */
  ttlMs?: number;
  /** Flows included in the snapshot (default 50). */
  flowLimit?: number;
  now?: () => number;
};

export function createTelemetryCache(opts: TelemetryCacheOptions): TelemetryCache {
  const ttlMs = opts.ttlMs ?? 2_000;
  const now = opts.now ?? Date.now;
  let data: TelemetrySnapshot | null = null;
  let fetchedAt: number | null = null;
  let error: string | null = null;
  let checkedAt: number | null = null;
  let inFlight: Promise<TelemetryRead> | null = null;
  let generation = 0;

  const view = (): TelemetryRead => ({
    data,
    fetchedAt: fetchedAt === null ? null : new Date(fetchedAt),
    stale: data !== null && error !== null,
    error,
  });

  const refresh = (): Promise<TelemetryRead> => {
    const gen = generation;
    inFlight = opts.client
      .telemetry({ flowLimit: opts.flowLimit ?? 50 }, { maxAttempts: 1 })
      .then(
        (snapshot) => {
          if (gen === generation) {
            data = snapshot;
            fetchedAt = now();
            error = null;
          }
        },
        (e: unknown) => {
          if (gen === generation) error = e instanceof Error ? e.message : String(e);
        },
      )
      .then(() => {
        if (gen === generation) {
          checkedAt = now();
          inFlight = null;
        }
        return view();
      });
    return inFlight;
  };

  return {
    read() {
      if (checkedAt !== null && now() - checkedAt < ttlMs) return Promise.resolve(view());
      return inFlight ?? refresh();
    },
    invalidate() {
      generation++;
      checkedAt = null;
      inFlight = null;
    },
  };
}

const globalForTelemetry = globalThis as unknown as { controlPlaneTelemetry?: { baseUrl: string; cache: TelemetryCache } };

/** The process-wide telemetry cache over the configured control plane (CONTROL_PLANE_URL). */
export function sharedTelemetry(): TelemetryCache {
  const client = controlPlaneClient();
  const cached = globalForTelemetry.controlPlaneTelemetry;
  if (cached && cached.baseUrl === client.baseUrl) return cached.cache;
  const cache = createTelemetryCache({ client });
  globalForTelemetry.controlPlaneTelemetry = { baseUrl: client.baseUrl, cache };
  return cache;
}

/**
 * The latest telemetry snapshot, or null when the control plane is unreachable or not configured: for callers to
 * whom live values are a help, not a requirement (decisions, run and onboarding pages).
 */
export async function readTelemetryOrNull(): Promise<TelemetrySnapshot | null> {
  try {
    return (await sharedTelemetry().read()).data;
  } catch {
    return null;
  }
}
