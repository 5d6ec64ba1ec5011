/**
 * Fault injection for tests and drills: added latency, 5xx answers, 429 with Retry-After and dropped connections, on
 * action endpoints and/or telemetry, at one of three points of a request:
 * - `before`: before the control plane sees it (no effect, nothing recorded for its idempotency key);
 * - `processing`: after the key is registered as in flight, before the effect (a duplicate arriving now gets 409);
 * - `after`: after the effect is applied and its result stored (the response is lost; a retry gets the stored result).
 * Rolls come from a seeded stream, so a test run is repeatable for a given request order.
 */
import { z } from "zod";
import { CONTROL_PLANE_ACTIONS } from "../lib/control-plane/actions";
import { providerSchema } from "../lib/control-plane/contract";
import { Prng } from "./prng";

export const FAULT_PHASES = ["before", "processing", "after"] as const;
export type FaultPhase = (typeof FAULT_PHASES)[number];
export type FaultTarget = "actions" | "telemetry";

export const faultRuleSchema = z.strictObject({
  target: z.enum(["actions", "telemetry", "all"]).default("all"),
  /** Limit to these actions (action endpoints only). */
  actions: z.array(z.enum(CONTROL_PLANE_ACTIONS)).optional(),
  phase: z.enum(FAULT_PHASES).default("before"),
  kind: z.enum(["latency", "error", "rate-limit", "drop"]),
  probability: z.number().min(0).max(1).default(1),
  /** For `latency`. */
  latencyMs: z.number().int().min(0).max(600_000).default(1_000),
  /** For `error`. */
  status: z.number().int().min(500).max(599).default(503),
  /** For `rate-limit`: the Retry-After header, in seconds. */
  retryAfterSeconds: z.number().int().min(0).max(86_400).default(1),
  /** For `rate-limit`: name the provider whose limit was hit (the portal then says "OpenAI rate limit: …"). */
  provider: providerSchema.optional(),
  /** Stop after this many hits. */
  times: z.number().int().min(1).optional(),
});
export type FaultRule = z.output<typeof faultRuleSchema>;
export const faultConfigSchema = z.strictObject({ seed: z.number().int().optional(), rules: z.array(faultRuleSchema).max(100) });
export type FaultConfigInput = z.input<typeof faultConfigSchema>;

export type FaultDecision = {
  latencyMs: number;
  /** The error, 429 or drop to answer with (never a latency rule). */
  terminal: FaultRule | null;
};

export class FaultInjector {
  private rules: FaultRule[] = [];
  private hits: number[] = [];
  private rng: Prng;

  constructor(private seed: number) {
    this.rng = Prng.derive(seed, "faults");
  }

  configure(input: unknown): { rules: FaultRule[] } {
    const config = faultConfigSchema.parse(input);
    this.rules = config.rules;
    this.hits = config.rules.map(() => 0);
    this.rng = Prng.derive(config.seed ?? this.seed, "faults");
    return { rules: this.rules };
  }

  clear(): void {
    this.rules = [];
    this.hits = [];
  }

  describe(): { rules: (FaultRule & { hits: number })[] } {
    return { rules: this.rules.map((r, i) => ({ ...r, hits: this.hits[i] })) };
  }

  /** Rolls every matching rule for this point of a request. Latencies add up; the first error/429/drop wins. */
  decide(target: FaultTarget, action: string | null, phase: FaultPhase): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, terminal: null };
    this.rules.forEach((rule, i) => {
      if (rule.phase !== phase) return;
      if (rule.target !== "all" && rule.target !== target) return;
      if (rule.actions && (!action || !(rule.actions as string[]).includes(action))) return;
      if (rule.kind !== "latency" && decision.terminal) return;
      if (rule.times !== undefined && this.hits[i] >= rule.times) return;
      if (!this.rng.chance(rule.probability)) return;
      this.hits[i]++;
      if (rule.kind === "latency") decision.latencyMs += rule.latencyMs;
      else decision.terminal = rule;
    });
    return decision;
  }
}
