/**
 * The panels as every viewer gets them: from the process's one shared, briefly cached telemetry read, evaluated once
 * per snapshot and serialised once, so polling viewers cost neither upstream calls nor repeated work.
 */
import type { TelemetryCache, TelemetryRead } from "../control-plane/telemetry";
import { sharedTelemetry } from "../control-plane/telemetry";
import { buildPanels, type PanelsResponse } from "./panels";

export type PanelsRead = { body: PanelsResponse; json: string };
export type PanelsReader = { read(): Promise<PanelsRead> };

/**
 * A reader over a telemetry cache; `cache` is called per read, so it may throw (e.g. no CONTROL_PLANE_URL).
 * While one caller waits for the cache to refresh from the control plane, the others get the last evaluated
 * snapshot at once instead of queueing behind the upstream request; stale/error say when it failed.
 */
export function createPanelsReader(cache: () => TelemetryCache): PanelsReader {
  let last: { data: TelemetryRead["data"]; stale: boolean; error: string | null; result: PanelsRead } | null = null;
  let pending: Promise<PanelsRead> | null = null;

  const respond = (body: PanelsResponse): PanelsRead => ({ body, json: JSON.stringify(body) });

  const refresh = async (): Promise<PanelsRead> => {
    let t: TelemetryRead;
    try {
      t = await cache().read();
    } catch (e) {
      return respond({ model: null, fetchedAt: null, stale: false, error: e instanceof Error ? e.message : String(e) });
    }
    if (last && last.data === t.data && last.stale === t.stale && last.error === t.error) return last.result;
    const result = respond({ model: t.data ? buildPanels(t.data) : null, fetchedAt: t.fetchedAt?.toISOString() ?? null, stale: t.stale, error: t.error });
    last = { data: t.data, stale: t.stale, error: t.error, result };
    return result;
  };

  return {
    read() {
      if (pending) return last ? Promise.resolve(last.result) : pending;
      pending = refresh().finally(() => {
        pending = null;
      });
      return pending;
    },
  };
}

const globalForPanels = globalThis as unknown as { panelsReader?: PanelsReader };

/** The process-wide panels reader over sharedTelemetry(). */
export function sharedPanels(): PanelsReader {
  globalForPanels.panelsReader ??= createPanelsReader(sharedTelemetry);
  return globalForPanels.panelsReader;
}
