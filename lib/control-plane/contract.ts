/**
 * The control-plane contract: zod schemas for every request and response between the portal and the orchestrator's
 * control plane. The simulator, the typed client and the OpenAPI document (openapi.ts) are all built from these, so
 * they cannot drift apart.
 *
 * Action parameters are parsed leniently and normalised: runbook steps carry "{{placeholder}}" strings that a person
 * fills in at run time (a repo list typed as "a, b", a token count typed as "2.4M", weights typed as
 * "anthropic=50, openai=30, google=20"), so each schema accepts those forms and outputs one canonical value. The
 * canonical value is what is hashed, signed, stored in the outbox and sent; the OpenAPI document describes it.
 */
import { z } from "zod";
import { CONTROL_PLANE_ACTIONS, type ControlPlaneAction } from "./actions";

// ── Vocabulary ──────────────────────────────────────────────────────────────────────────────────────────────────

export const PROVIDERS = ["anthropic", "openai", "google"] as const;
export type Provider = (typeof PROVIDERS)[number];
export const PROVIDER_LABELS: Record<Provider, string> = { anthropic: "Anthropic", openai: "OpenAI", google: "Google" };

export const PHASES = ["pilot", "phase6", "phase7"] as const;
export type Phase = (typeof PHASES)[number];

export const FLOW_STATUSES = ["running", "succeeded", "failed"] as const;
export const FLOW_ERROR_TYPES = ["timeout", "429", "validation", "5xx"] as const;
export type FlowErrorType = (typeof FLOW_ERROR_TYPES)[number];

export const PROVIDER_STATUSES = ["up", "degraded", "down"] as const;
export const ORCHESTRATOR_STATUSES = ["operational", "degraded", "offline"] as const;
export const BREAKER_STATES = ["closed", "open", "half-open"] as const;
export const TELEMETRY_WINDOWS = ["1h", "6h", "24h", "7d"] as const;
export type TelemetryWindow = (typeof TELEMETRY_WINDOWS)[number];

/** The pilot repo (RB-LAUNCH-002 rolls back to it). */
export const PILOT_REPO = "compliance-service";
/** Quality gates every flow runs. */
export const QUALITY_GATES_TOTAL = 5;
/** A provider's circuit breaker opens at this share of its daily token quota. */
export const BREAKER_THRESHOLD_PERCENT = 85;
/** Flows are terminated after this many seconds. */
export const HARD_TIMEOUT_SECONDS = 180;
/** The header every action request carries. */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
/** Set on a response that repeats the stored result of an earlier request with the same key. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** A value someone still has to fill in, as runbooks write it: "{{repo}}". */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/;

// ── Lenient inputs with canonical outputs ──────────────────────────────────────────────────────────────────────

const PROVIDER_ALIASES: Record<string, Provider> = {
  anthropic: "anthropic",
  claude: "anthropic",
  openai: "openai",
  "open-ai": "openai",
  "open ai": "openai",
  gpt: "openai",
  google: "google",
  gemini: "google",
  "google-gemini": "google",
};

/** "OpenAI", "Gemini", " anthropic " → the provider id; anything else unchanged (the enum then names it). */
export function normaliseProvider(value: unknown): unknown {
  if (typeof value !== "string") return value;
  return PROVIDER_ALIASES[value.trim().toLowerCase()] ?? value.trim();
}

export const providerSchema = z.enum(PROVIDERS, {
  error: (i) => `unknown provider "${String(i.input)}" (expected ${PROVIDERS.join(", ")})`,
});
const providerInput = z.preprocess(normaliseProvider, providerSchema);

export const phaseSchema = z.enum(PHASES, { error: (i) => `unknown phase "${String(i.input)}" (expected ${PHASES.join(", ")})` });
const phaseInput = z.preprocess((v) => {
  if (typeof v === "number" && (v === 6 || v === 7)) return `phase${v}`;
  if (typeof v !== "string") return v;
  const s = v.trim().toLowerCase().replace(/[\s_-]+/g, "");
  if (s === "6" || s === "7") return `phase${s}`;
  return s;
}, phaseSchema);

export const repoNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be a repository name (letters, digits, '.', '_', '-')");

function splitList(value: unknown): unknown {
  if (typeof value === "string") {
    const text = value.trim();
    if (text.startsWith("[")) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return value;
      }
    }
    return text.split(/[\s,;]+/).filter(Boolean);
  }
  return value;
}

function dedupe(value: unknown): unknown {
  return Array.isArray(value) ? [...new Set(value.map((v) => (typeof v === "string" ? v.trim() : v)))] : value;
}

/** A list of repos: an array, or text such as "billing-api, checkout-web". Duplicates are dropped, order kept. */
const repoListInput = z.preprocess((v) => dedupe(splitList(v)), z.array(repoNameSchema).min(1, "needs at least one repo").max(200));

const providerListInput = z.preprocess(
  (v) => dedupe(splitList(v)),
  z
    .array(providerInput)
    .min(1, "needs at least one provider")
    .refine((a) => new Set(a).size === a.length, "lists a provider twice"),
);

/** Accepts 3, "3", " 3 " → 3. */
function numberLike(value: unknown): unknown {
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return value;
}

/** Accepts 2000000, "2000000", "2,000,000", "2_000_000", "2M", "2.4M", "500K", "1.5m". */
export function parseTokenCount(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const m = /^\s*(\d+(?:[.,_]\d+)*)\s*([kKmMbB])?\s*(tokens?)?\s*$/.exec(value);
  if (!m) return value;
  const unit = m[2]?.toLowerCase();
  const digits = unit ? m[1].replace(",", ".").replace(/_/g, "") : m[1].replace(/[,_]/g, "");
  const n = Number(digits);
  if (!Number.isFinite(n)) return value;
  const factor = unit === "k" ? 1e3 : unit === "m" ? 1e6 : unit === "b" ? 1e9 : 1;
  return Math.round(n * factor);
}

const intInput = (min: number, max: number) => z.preprocess(numberLike, z.number().int().min(min).max(max));
const usdInput = z.preprocess((v) => numberLike(typeof v === "string" ? v.replace(/^\s*\$/, "") : v), z.number().min(0).max(1_000_000));

const booleanInput = z.preprocess((v) => {
  if (typeof v !== "string") return v;
  const s = v.trim().toLowerCase();
  if (["true", "yes", "on", "1", "enabled"].includes(s)) return true;
  if (["false", "no", "off", "0", "disabled"].includes(s)) return false;
  return v;
}, z.boolean());

/** An instant: ISO 8601 with an offset, or a bare date (midnight UTC); output as ISO UTC ("…Z"). */
const instantInput = z.preprocess((v) => {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? v : v.toISOString();
  if (typeof v !== "string") return v;
  const s = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s}T00:00:00.000Z`;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s)) {
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`;
    const d = new Date(withZone.replace(" ", "T"));
    return Number.isNaN(d.getTime()) ? v : d.toISOString();
  }
  return v;
}, z.iso.datetime({ message: "must be a date-time such as 2025-11-20T09:30:00Z" }));

const weightsShape = {
  anthropic: z.number().min(0).max(100),
  openai: z.number().min(0).max(100),
  google: z.number().min(0).max(100),
};
export const routingWeightsSchema = z.object(weightsShape);
export type RoutingWeights = z.infer<typeof routingWeightsSchema>;

/** Weights as an object, JSON text, or "anthropic=50, openai: 30, google 20"; a provider left out weighs 0. */
function parseWeights(value: unknown): unknown {
  let v = value;
  if (typeof v === "string") {
    const text = v.trim();
    if (text.startsWith("{")) {
      try {
        v = JSON.parse(text) as unknown;
      } catch {
        return value;
      }
    } else {
      const out: Record<string, unknown> = {};
      for (const part of text.split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean)) {
        const m = /^([A-Za-z -]+?)\s*[:= ]\s*(\d+(?:\.\d+)?)\s*%?$/.exec(part);
        if (!m) return value;
        out[m[1]] = Number(m[2]);
      }
      v = out;
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = { anthropic: 0, openai: 0, google: 0 };
  for (const [k, w] of Object.entries(v)) {
    const p = normaliseProvider(k);
    out[typeof p === "string" ? p : k] = numberLike(typeof w === "string" ? w.replace(/%\s*$/, "") : w);
  }
  return out;
}
const weightsInput = z.preprocess(
  parseWeights,
  z
    .strictObject(weightsShape)
    .refine((w) => Math.abs(w.anthropic + w.openai + w.google - 100) < 0.01, "weights must add up to 100"),
);

// ── Action parameters (one schema per action) ──────────────────────────────────────────────────────────────────

const allowlistParams = z
  .strictObject({
    add: repoListInput.optional(),
    remove: repoListInput.optional(),
    /** Phase given to added repos (default: the orchestrator's current phase). */
    phase: phaseInput.optional(),
    /** Daily cap given to added repos (default $5). */
    dailyCapUsd: usdInput.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.add && !v.remove) ctx.addIssue({ code: "custom", message: "needs repos to `add` or `remove`", path: ["add"] });
    const both = (v.add ?? []).filter((r) => v.remove?.includes(r));
    if (both.length) ctx.addIssue({ code: "custom", message: `adds and removes ${both.join(", ")}`, path: ["remove"] });
  });

const rollbackParams = z.strictObject({ pilotRepo: repoNameSchema.default(PILOT_REPO) });

const pruningParams = z.discriminatedUnion("scope", [
  z.strictObject({ scope: z.literal("global"), enabled: booleanInput }),
  z.strictObject({ scope: z.literal("repo"), repo: repoNameSchema, enabled: booleanInput }),
]);

export const ROUTING_STAGES = ["all", "context", "generation"] as const;
const routingParams = z.strictObject({
  /** "all" sets the weights of every stage and releases failover pins; "context" routes only the large-input stage. */
  stage: z.enum(ROUTING_STAGES).default("all"),
  weights: weightsInput,
});

const failoverParams = z
  .strictObject({ from: providerInput, to: providerInput })
  .refine((v) => v.from !== v.to, { message: "`from` and `to` must be different providers", path: ["to"] });

const throttleParams = z
  .strictObject({
    repo: repoNameSchema.optional(),
    repos: repoListInput.optional(),
    maxConcurrent: intInput(0, 1_000).optional(),
    dailyCapUsd: usdInput.optional(),
    capacityPercent: intInput(0, 100).optional(),
    /** Lifts the repos' throttles instead of setting them. */
    lift: booleanInput.optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.repo) === Boolean(v.repos)) {
      ctx.addIssue({ code: "custom", message: "give either `repo` or `repos`", path: [v.repo ? "repos" : "repo"] });
    }
    const limits = v.maxConcurrent !== undefined || v.dailyCapUsd !== undefined || v.capacityPercent !== undefined;
    if (v.lift && limits) ctx.addIssue({ code: "custom", message: "`lift` takes no limits", path: ["lift"] });
    if (!v.lift && !limits) {
      ctx.addIssue({ code: "custom", message: "needs a limit: `maxConcurrent`, `dailyCapUsd` or `capacityPercent` (or `lift: true`)", path: ["maxConcurrent"] });
    }
  });

const breakerState = z.enum(["open", "closed"]);
const breakerParams = z.discriminatedUnion("scope", [
  z.strictObject({ scope: z.literal("provider"), provider: providerInput, state: breakerState }),
  z.strictObject({ scope: z.literal("global"), state: breakerState }),
]);

const retryParams = z
  .strictObject({
    scope: z.enum(["global", "repo"]).default("global"),
    repo: repoNameSchema.optional(),
    maxAttempts: intInput(1, 10),
  })
  .superRefine((v, ctx) => {
    if (v.scope === "repo" && !v.repo) ctx.addIssue({ code: "custom", message: "scope `repo` needs `repo`", path: ["repo"] });
    if (v.scope === "global" && v.repo) ctx.addIssue({ code: "custom", message: "scope `global` takes no `repo`", path: ["repo"] });
  });

const scaleParams = z
  .strictObject({ replicas: intInput(1, 500), hpaMin: intInput(1, 500), hpaMax: intInput(1, 500) })
  .superRefine((v, ctx) => {
    if (v.hpaMin > v.hpaMax) ctx.addIssue({ code: "custom", message: "`hpaMin` must not exceed `hpaMax`", path: ["hpaMin"] });
    else if (v.replicas < v.hpaMin || v.replicas > v.hpaMax) {
      ctx.addIssue({ code: "custom", message: `\`replicas\` must be between hpaMin (${v.hpaMin}) and hpaMax (${v.hpaMax})`, path: ["replicas"] });
    }
  });

const dbPoolParams = z.strictObject({ size: intInput(10, 10_000) });

const rotateParams = z.strictObject({
  providers: providerListInput,
  /** Revoke each previous key once its replacement is deployed (default true). */
  revokePrevious: booleanInput.default(true),
});

export const flowIdSchema = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,80}$/, "must be a flow id");
const quarantineParams = z
  .strictObject({
    flowId: flowIdSchema.optional(),
    repo: repoNameSchema.optional(),
    /** With `repo`: quarantine its flows started at or after this instant (default: all of them). */
    since: instantInput.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .superRefine((v, ctx) => {
    if (Boolean(v.flowId) === Boolean(v.repo)) ctx.addIssue({ code: "custom", message: "give either `flowId` or `repo`", path: ["flowId"] });
    if (v.since && !v.repo) ctx.addIssue({ code: "custom", message: "`since` goes with `repo`", path: ["since"] });
  });

const runFlowParams = z.strictObject({ repo: repoNameSchema, reason: z.string().trim().max(200).optional() });

export const QUOTA_URGENCIES = ["planned", "emergency"] as const;
const quotaParams = z.strictObject({
  urgency: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() : v), z.enum(QUOTA_URGENCIES)),
  requests: z
    .array(z.strictObject({ provider: providerInput, dailyTokens: z.preprocess(parseTokenCount, z.number().int().min(1_000).max(1_000_000_000)) }))
    .min(1, "needs at least one provider")
    .max(PROVIDERS.length)
    .refine((rs) => new Set(rs.map((r) => r.provider)).size === rs.length, "lists a provider twice"),
  reference: z.string().trim().max(200).optional(),
});

/** One parameter schema per control-plane action. */
export const actionParamsSchemas = {
  "set-allowlist": allowlistParams,
  "rollback-to-pilot": rollbackParams,
  "set-context-pruning": pruningParams,
  "set-routing-weights": routingParams,
  "failover-provider": failoverParams,
  "throttle-repo": throttleParams,
  "set-circuit-breaker": breakerParams,
  "set-retry-limit": retryParams,
  "scale-flowengine": scaleParams,
  "set-db-pool-size": dbPoolParams,
  "rotate-api-key": rotateParams,
  "quarantine-flow-output": quarantineParams,
  "run-flow": runFlowParams,
  "request-quota-increase": quotaParams,
} as const satisfies Record<ControlPlaneAction, z.ZodType>;

/** Parameters as a caller may write them (lenient). */
export type ActionParamsInput<A extends ControlPlaneAction> = z.input<(typeof actionParamsSchemas)[A]>;
/** Parameters in canonical form: what is hashed, stored and sent. */
export type ActionParams<A extends ControlPlaneAction> = z.output<(typeof actionParamsSchemas)[A]>;

export function isControlPlaneAction(value: unknown): value is ControlPlaneAction {
  return typeof value === "string" && (CONTROL_PLANE_ACTIONS as readonly string[]).includes(value);
}

export type ParamIssue = { path: string; message: string };

/** Thrown by parseActionParams; `fieldErrors` fits the `{ ok: false, fieldErrors }` shape of server actions. */
export class ActionParamsError extends Error {
  readonly fieldErrors: Record<string, string[]>;
  constructor(
    readonly action: string,
    readonly issues: ParamIssue[],
  ) {
    super(`Invalid parameters for ${action}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ")}`);
    this.name = "ActionParamsError";
    this.fieldErrors = {};
    for (const i of issues) (this.fieldErrors[i.path || "params"] ??= []).push(i.message);
  }
}

export type SafeParseActionParams<A extends ControlPlaneAction = ControlPlaneAction> =
  | { ok: true; action: A; params: ActionParams<A> }
  | { ok: false; error: ActionParamsError };

function unfilledPlaceholders(value: unknown, path: string[] = []): ParamIssue[] {
  if (typeof value === "string") {
    const m = PLACEHOLDER.exec(value);
    return m ? [{ path: path.join("."), message: `placeholder {{${m[1]}}} is not filled in` }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unfilledPlaceholders(v, [...path, String(i)]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => unfilledPlaceholders(v, [...path, k]));
  return [];
}

/** Validates and normalises an action's parameters; never throws. */
export function safeParseActionParams<A extends ControlPlaneAction>(action: A, params: unknown): SafeParseActionParams<A>;
export function safeParseActionParams(action: string, params: unknown): SafeParseActionParams;
export function safeParseActionParams(action: string, params: unknown): SafeParseActionParams {
  if (!isControlPlaneAction(action)) {
    return { ok: false, error: new ActionParamsError(action, [{ path: "", message: `unknown control-plane action "${action}"` }]) };
  }
  const placeholders = unfilledPlaceholders(params);
  if (placeholders.length) return { ok: false, error: new ActionParamsError(action, placeholders) };
  const parsed = (actionParamsSchemas[action] as z.ZodType).safeParse(params ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    return { ok: false, error: new ActionParamsError(action, issues) };
  }
  return { ok: true, action, params: parsed.data as ActionParams<ControlPlaneAction> };
}

/**
 * Validates an action's parameters and returns them in canonical form (lenient inputs normalised, defaults filled).
 * Throws ActionParamsError, which names every bad field. Call `isCriticalAction` on the result, not on raw input.
 */
export function parseActionParams<A extends ControlPlaneAction>(action: A, params: unknown): ActionParams<A>;
export function parseActionParams(action: string, params: unknown): ActionParams<ControlPlaneAction>;
export function parseActionParams(action: string, params: unknown): ActionParams<ControlPlaneAction> {
  const result = safeParseActionParams(action, params);
  if (!result.ok) throw result.error;
  return result.params;
}

// ── Telemetry ───────────────────────────────────────────────────────────────────────────────────────────────────

/** An instant on the wire: ISO 8601 in UTC ("…Z"). */
export const instantSchema = z.iso.datetime();
const instant = instantSchema;
const usd = z.number().min(0);

export const flowSchema = z.object({
  id: z.string(),
  repo: z.string(),
  provider: providerSchema,
  /** Provider of the context (large-input) stage; differs from `provider` when context routing is set. */
  contextProvider: providerSchema,
  model: z.string(),
  status: z.enum(FLOW_STATUSES),
  trigger: z.enum(["schedule", "manual"]),
  startedAt: instant,
  finishedAt: instant.nullable(),
  /** Elapsed so far while running. */
  durationMs: z.number().int().min(0),
  contextKb: z.number().min(0),
  pruned: z.boolean(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  tokens: z.number().int().min(0),
  costUsd: usd,
  qualityGatesPassed: z.number().int().min(0).max(QUALITY_GATES_TOTAL),
  qualityGatesTotal: z.literal(QUALITY_GATES_TOTAL),
  errorType: z.enum(FLOW_ERROR_TYPES).nullable(),
  quarantined: z.boolean(),
});
export type Flow = z.infer<typeof flowSchema>;

export const flowListSchema = z.object({ at: instant, flows: z.array(flowSchema) });
export type FlowList = z.infer<typeof flowListSchema>;

export const flowQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(50),
  repo: repoNameSchema.optional(),
  status: z.enum(FLOW_STATUSES).optional(),
  since: z.iso.datetime().optional(),
});
export type FlowQuery = { limit?: number; repo?: string; status?: Flow["status"]; since?: string };

export const windowQuerySchema = z.object({ window: z.enum(TELEMETRY_WINDOWS).default("24h") });

const tokenUsageSchema = z.object({
  provider: providerSchema,
  usedToday: z.number().int().min(0),
  dailyQuota: z.number().int().min(0),
  usedPercent: z.number().min(0),
  breakerThresholdPercent: z.number(),
  resetsAt: instant,
});

export const aggregatesSchema = z.object({
  at: instant,
  phase: phaseSchema,
  window: z.object({ label: z.enum(TELEMETRY_WINDOWS), from: instant, to: instant }),
  spend: z.object({
    /** The last 30 days, oldest first; the last entry is today so far. */
    perDay: z.array(z.object({ date: z.iso.date(), usd })),
    perRepoToday: z.array(z.object({ repo: z.string(), usd })),
    todayUsd: usd,
    monthToDateUsd: usd,
    monthProjectionUsd: usd,
  }),
  tokens: z.array(tokenUsageSchema),
  latency: z.object({
    flows: z.number().int().min(0),
    p50Ms: z.number().min(0).nullable(),
    p95Ms: z.number().min(0).nullable(),
    timeoutsOver180s: z.number().int().min(0),
  }),
  failures: z.object({
    perRepo: z.array(z.object({ repo: z.string(), flows: z.number().int(), failed: z.number().int(), failureRate: z.number().min(0).max(1) })),
    lastHour: z.object({ count: z.number().int().min(0), repos: z.array(z.string()) }),
  }),
});
export type Aggregates = z.infer<typeof aggregatesSchema>;

export const providerHealthSchema = z.object({
  at: instant,
  orchestrator: z.enum(ORCHESTRATOR_STATUSES),
  providersDown: z.number().int().min(0).max(PROVIDERS.length),
  providers: z.array(
    z.object({
      provider: providerSchema,
      status: z.enum(PROVIDER_STATUSES),
      /** Median request latency; null while down. */
      latencyMs: z.number().min(0).nullable(),
      errorRate: z.number().min(0).max(1),
      breaker: z.enum(BREAKER_STATES),
      /** Share of new flows routed to it now (0–1). */
      trafficShare: z.number().min(0).max(1),
    }),
  ),
});
export type ProviderHealth = z.infer<typeof providerHealthSchema>;

export const capacitySchema = z.object({
  at: instant,
  flowEngine: z.object({
    replicas: z.number().int().min(0),
    hpaMin: z.number().int().min(0),
    hpaMax: z.number().int().min(0),
    cpuPercent: z.number().min(0).max(100),
    runningFlows: z.number().int().min(0),
    queuedFlows: z.number().int().min(0),
  }),
  dbPool: z.object({ inUse: z.number().int().min(0), size: z.number().int().min(0) }),
});
export type Capacity = z.infer<typeof capacitySchema>;

const allowlistEntrySchema = z.object({ repo: z.string(), phase: phaseSchema, dailyCapUsd: usd });
const pruningSettingsSchema = z.object({ global: z.boolean(), repos: z.array(z.object({ repo: z.string(), enabled: z.boolean() })) });
const routingSettingsSchema = z.object({
  weights: routingWeightsSchema,
  contextWeights: routingWeightsSchema.nullable(),
  pins: z.array(z.object({ from: providerSchema, to: providerSchema })),
});
const breakerSettingsSchema = z.object({
  global: z.enum(["open", "closed"]),
  providers: z.array(z.object({ provider: providerSchema, state: z.enum(BREAKER_STATES), reason: z.enum(["manual", "quota"]).nullable() })),
});
const throttleSchema = z.object({
  repo: z.string(),
  maxConcurrent: z.number().int().nullable(),
  dailyCapUsd: usd.nullable(),
  capacityPercent: z.number().int().nullable(),
});
const retrySettingsSchema = z.object({ maxAttempts: z.number().int(), repos: z.array(z.object({ repo: z.string(), maxAttempts: z.number().int() })) });
const keySchema = z.object({ provider: providerSchema, fingerprint: z.string(), rotatedAt: instant });
const quotaRequestSchema = z.object({
  requestId: z.string(),
  urgency: z.enum(QUOTA_URGENCIES),
  status: z.enum(["submitted", "granted"]),
  requests: z.array(z.object({ provider: providerSchema, dailyTokens: z.number().int() })),
  submittedAt: instant,
  decisionExpectedAt: instant,
});

export const settingsSchema = z.object({
  at: instant,
  phase: phaseSchema,
  allowlist: z.array(allowlistEntrySchema),
  pruning: pruningSettingsSchema,
  routing: routingSettingsSchema,
  breakers: breakerSettingsSchema,
  throttles: z.array(throttleSchema),
  retry: retrySettingsSchema,
  quotas: z.array(z.object({ provider: providerSchema, dailyTokens: z.number().int() })),
  keys: z.array(keySchema),
  quotaRequests: z.array(quotaRequestSchema),
});
export type Settings = z.infer<typeof settingsSchema>;

export const telemetrySnapshotSchema = z.object({
  at: instant,
  flows: z.array(flowSchema),
  aggregates: aggregatesSchema,
  providers: providerHealthSchema,
  capacity: capacitySchema,
  settings: settingsSchema,
});
export type TelemetrySnapshot = z.infer<typeof telemetrySnapshotSchema>;

export const snapshotQuerySchema = z.object({
  flowLimit: z.coerce.number().int().min(0).max(1_000).default(50),
  window: z.enum(TELEMETRY_WINDOWS).default("24h"),
});

export const healthSchema = z.object({
  status: z.literal("ok"),
  name: z.string(),
  version: z.string(),
  /** True when this is the bundled simulator, not a real control plane. */
  simulated: z.boolean(),
  clock: instant,
});
export type Health = z.infer<typeof healthSchema>;

// ── Action results ──────────────────────────────────────────────────────────────────────────────────────────────

export const actionResultSchemas = {
  "set-allowlist": z.object({ allowlist: z.array(allowlistEntrySchema), added: z.array(z.string()), removed: z.array(z.string()) }),
  "rollback-to-pilot": z.object({
    phase: phaseSchema,
    allowlist: z.array(allowlistEntrySchema),
    removed: z.array(z.string()),
    /** Flows of removed repos still running; they finish or time out at 180 s, no new ones start. */
    inFlightFlowsOfRemovedRepos: z.number().int().min(0),
  }),
  "set-context-pruning": z.object({ pruning: pruningSettingsSchema }),
  "set-routing-weights": z.object({ routing: routingSettingsSchema }),
  "failover-provider": z.object({ routing: routingSettingsSchema, automaticFailoverAlreadyActive: z.boolean() }),
  "throttle-repo": z.object({ throttles: z.array(throttleSchema), lifted: z.array(z.string()) }),
  "set-circuit-breaker": z.object({ breakers: breakerSettingsSchema }),
  "set-retry-limit": z.object({ retry: retrySettingsSchema }),
  "scale-flowengine": z.object({ flowEngine: z.object({ replicas: z.number().int(), hpaMin: z.number().int(), hpaMax: z.number().int() }) }),
  "set-db-pool-size": z.object({ dbPool: z.object({ size: z.number().int(), inUse: z.number().int() }) }),
  "rotate-api-key": z.object({
    keys: z.array(
      z.object({
        provider: providerSchema,
        /** Fingerprint of the new key. The key itself never leaves the control plane. */
        fingerprint: z.string(),
        previousFingerprint: z.string(),
        previousRevoked: z.boolean(),
        rotatedAt: instant,
      }),
    ),
    inFlightFlowsFailed: z.number().int().min(0),
  }),
  "quarantine-flow-output": z.object({ quarantinedFlowIds: z.array(z.string()), count: z.number().int().min(0) }),
  "run-flow": z.object({ flowId: z.string(), repo: z.string(), provider: providerSchema, status: z.enum(FLOW_STATUSES), startedAt: instant }),
  "request-quota-increase": z.object({
    requestId: z.string(),
    status: z.enum(["submitted", "granted"]),
    requests: z.array(z.object({ provider: providerSchema, dailyTokens: z.number().int(), currentDailyTokens: z.number().int() })),
    decisionExpectedAt: instant,
  }),
} as const satisfies Record<ControlPlaneAction, z.ZodType>;

export type ActionResult<A extends ControlPlaneAction> = z.infer<(typeof actionResultSchemas)[A]>;

const actionEnvelope = {
  idempotencyKey: z.string(),
  /** "no-change" when the control plane was already in the requested state. */
  status: z.enum(["applied", "no-change"]),
  appliedAt: instant,
  /** One sentence for people: what changed. */
  summary: z.string(),
};

function responseSchemaFor<A extends ControlPlaneAction>(action: A) {
  return z.object({ action: z.literal(action), ...actionEnvelope, result: actionResultSchemas[action] });
}

/** The response body of each action endpoint. */
export const actionResponseSchemas = Object.fromEntries(CONTROL_PLANE_ACTIONS.map((a) => [a, responseSchemaFor(a)])) as {
  [A in ControlPlaneAction]: ReturnType<typeof responseSchemaFor<A>>;
};

export type ActionResponse<A extends ControlPlaneAction = ControlPlaneAction> = {
  [K in A]: z.infer<(typeof actionResponseSchemas)[K]>;
}[A];

// ── Errors (RFC 9457 problem details) ──────────────────────────────────────────────────────────────────────────

export const PROBLEM_CODES = [
  "invalid-request",
  "missing-idempotency-key",
  "idempotency-key-reused",
  "request-in-flight",
  "not-found",
  "action-refused",
  "rate-limited",
  "unavailable",
  "internal",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** Machine-readable reason; clients branch on this, not on `title`. */
  code: z.string(),
  retryAfterSeconds: z.number().min(0).optional(),
  /** Set on provider-related problems (e.g. a provider's rate limit). */
  provider: providerSchema.optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Builds a problem object; `type` is a stable URN per code. */
export function problem(status: number, code: ProblemCode, title: string, extra: Partial<Omit<Problem, "status" | "code" | "title">> = {}): Problem {
  return { type: `urn:orchestrator:control-plane:problem:${code}`, title, status, code, ...extra };
}

// ── Paths (shared by the simulator, the client and the OpenAPI document) ───────────────────────────────────────

export const API_PATHS = {
  health: "/v1/health",
  telemetry: "/v1/telemetry",
  flows: "/v1/telemetry/flows",
  flow: (id: string) => `/v1/telemetry/flows/${encodeURIComponent(id)}`,
  aggregates: "/v1/telemetry/aggregates",
  providers: "/v1/telemetry/providers",
  capacity: "/v1/telemetry/capacity",
  settings: "/v1/settings",
  action: (action: ControlPlaneAction) => `/v1/actions/${action}`,
  openapi: "/openapi.json",
} as const;
