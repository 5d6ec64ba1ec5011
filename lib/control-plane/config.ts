import { z } from "zod";
import { createControlPlaneClient, type ControlPlaneClient } from "./client";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

const schema = z.object({
  CONTROL_PLANE_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:4010" })
      .optional(),
  ),
  CONTROL_PLANE_TOKEN: z.preprocess(blankToUndefined, z.string().optional()),
  CONTROL_PLANE_TIMEOUT_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(100).max(120_000).optional()),
});

const relaySchema = z.object({
  CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(86_400).optional()),
});

/** The longest Retry-After the relay waits for on its own (default 5 min); past it, a person decides. */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 300;

/**
 * Reads CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS (1–86400, default 300): a command the control plane asks to retry later
 * than this is not parked, but held for a person to retry now or abandon.
 */
export function maxRetryAfterMs(env: Record<string, string | undefined> = process.env): number {
  const parsed = relaySchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid control-plane configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  }
  return (parsed.data.CONTROL_PLANE_MAX_RETRY_AFTER_SECONDS ?? DEFAULT_MAX_RETRY_AFTER_SECONDS) * 1000;
}

export type ControlPlaneConfig = {
  /** Base URL of the control plane: the simulator by default, a real control plane in production. */
  url: string;
  /** Bearer token for a real control plane, if it needs one. */
  token?: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
};

/**
 * Reads CONTROL_PLANE_URL (required), CONTROL_PLANE_TOKEN and CONTROL_PLANE_TIMEOUT_MS (default 5000). Throws a
 * message that says what to set when the URL is missing or malformed.
 */
export function controlPlaneConfig(env: Record<string, string | undefined> = process.env): ControlPlaneConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid control-plane configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  }
  const { CONTROL_PLANE_URL: url, CONTROL_PLANE_TOKEN: token, CONTROL_PLANE_TIMEOUT_MS: timeoutMs } = parsed.data;
  if (!url) {
    throw new Error("CONTROL_PLANE_URL is not set: `npm start` starts the simulator and sets it; in production point it at the orchestrator's control plane.");
  }
  return { url: url.replace(/\/+$/, ""), token, timeoutMs: timeoutMs ?? 5_000 };
}

const globalForClient = globalThis as unknown as { controlPlaneClient?: { key: string; client: ControlPlaneClient } };

/** The process's control-plane client, built from the environment (rebuilt if CONTROL_PLANE_URL changes). */
export function controlPlaneClient(): ControlPlaneClient {
  const config = controlPlaneConfig();
  const key = `${config.url}|${config.timeoutMs}|${config.token ? "token" : ""}`;
  const cached = globalForClient.controlPlaneClient;
  if (cached && cached.key === key) return cached.client;
  const client = createControlPlaneClient({ baseUrl: config.url, timeoutMs: config.timeoutMs, token: config.token });
  globalForClient.controlPlaneClient = { key, client };
  return client;
}
