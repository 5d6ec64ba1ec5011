/**
 * The orchestrator as a deterministic model: plain state, a simulated clock advanced by `tick(ms)`, and flows drawn
 * from seeded random streams. The same options and the same sequence of calls always give the same telemetry, so
 * tests and drills are repeatable. The HTTP layer (server.ts) owns real time, idempotency and faults.
 */
import { createHash } from "node:crypto";
import type { ControlPlaneAction } from "../lib/control-plane/actions";
import {
  BREAKER_THRESHOLD_PERCENT,
  HARD_TIMEOUT_SECONDS,
  PILOT_REPO,
  PROVIDERS,
  PROVIDER_LABELS,
  QUALITY_GATES_TOTAL,
  type ActionParams,
  type ActionResult,
  type Aggregates,
  type Capacity,
  type Flow,
  type FlowErrorType,
  type Phase,
  type Provider,
  type ProviderHealth,
  type RoutingWeights,
  type Settings,
  type TelemetrySnapshot,
  type TelemetryWindow,
} from "../lib/control-plane/contract";
import {
  ALL_REPOS,
  DB_CONNECTIONS_BASE,
  DB_CONNECTIONS_PER_FLOW,
  DEFAULT_DAILY_CAP_USD,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REPO_PROFILE,
  DEFAULT_WEIGHTS,
  FLOWS_PER_REPLICA,
  FOOTPRINT_BY_PHASE,
  OUTPUT_TOKENS_MEAN,
  PROVIDER_PROFILES,
  PRUNING_FACTOR,
  QUOTAS_BY_PHASE,
  REPO_PROFILES,
  TOKENS_PER_KB,
  baseDurationSeconds,
} from "./catalog";
import { Prng } from "./prng";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BREAKER_RATIO = BREAKER_THRESHOLD_PERCENT / 100;
const HALF_OPEN_MS = 5 * MINUTE;
const FLOW_RETENTION_MS = 8 * DAY;
const MAX_FLOWS_KEPT = 5_000;
const UNATTRIBUTED = "(unattributed)";

export const SCENARIOS = [
  "provider-outage",
  "rate-limit-storm",
  "cost-runaway",
  "large-context-timeouts",
  "mass-failure",
  "schema-breaking-deployment",
  "db-pool-exhaustion",
  "leaked-api-key",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export type ScenarioInput =
  | { scenario: "provider-outage"; providers?: Provider[]; count?: number }
  | { scenario: "rate-limit-storm"; provider?: Provider }
  | { scenario: "cost-runaway"; repo?: string }
  | { scenario: "large-context-timeouts"; repos?: string[] }
  | { scenario: "mass-failure"; repos?: string[] }
  | { scenario: "schema-breaking-deployment" }
  | { scenario: "db-pool-exhaustion" }
  | { scenario: "leaked-api-key"; provider?: Provider };

type Scenarios = {
  outage?: { providers: Provider[]; since: number };
  storm?: { provider: Provider; since: number };
  costRunaway?: { repo: string; since: number };
  largeContext?: { repos: string[]; since: number };
  massFailure?: { repos: string[]; since: number };
  schemaBreak?: { since: number };
  dbPool?: { demand: number; since: number };
  leak?: { provider: Provider; fingerprint: string; since: number };
};

export type ActiveScenario = { scenario: ScenarioName; since: string; detail: Record<string, unknown> };

type Outcome = "succeeded" | FlowErrorType;

type FlowRecord = {
  id: string;
  repo: string;
  provider: Provider;
  contextProvider: Provider;
  trigger: "schedule" | "manual";
  startedAt: number;
  endAt: number;
  finishedAt: number | null;
  contextKb: number;
  pruned: boolean;
  plannedInput: number;
  plannedOutput: number;
  /** Share of the planned work done by `endAt` (a flow that fails early consumes less). */
  fraction: number;
  outcome: Outcome;
  gates: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  quarantined: boolean;
};

type Throttle = { maxConcurrent: number | null; dailyCapUsd: number | null; capacityPercent: number | null };
type QuotaRequest = Settings["quotaRequests"][number] & { decisionAt: number };
type ApiKey = { fingerprint: string; rotatedAt: number; generation: number };

export type ModelOptions = {
  /** Seed of every random stream (default 42). */
  seed?: number;
  /** Simulated time at start (default: now). */
  startAt?: Date | number | string;
  /** Starting phase (default phase6: the pilot repo and nine Phase 6 repos allowlisted). */
  phase?: Phase;
  /** Hours of normal operation simulated before startAt, so telemetry starts populated (default 24). */
  warmUpHours?: number;
};

export type ApplyResult<A extends ControlPlaneAction = ControlPlaneAction> =
  | { ok: true; status: "applied" | "no-change"; summary: string; result: ActionResult<A> }
  | { ok: false; status: 404 | 422; code: "not-found" | "action-refused"; title: string; detail: string };

const iso = (ms: number) => new Date(ms).toISOString();
const dayKey = (ms: number) => iso(ms).slice(0, 10);
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const round2 = (n: number) => Math.round(n * 100) / 100;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));
const WINDOW_MS: Record<TelemetryWindow, number> = { "1h": HOUR, "6h": 6 * HOUR, "24h": DAY, "7d": 7 * DAY };

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export class SimulatorModel {
  readonly seed: number;
  private clock: number;
  private phase: Phase;
  private readonly rng: { arrivals: Prng; flows: Prng; ids: Prng; routing: Prng };
  private allowlist = new Map<string, { phase: Phase; dailyCapUsd: number }>();
  private pruning = { global: false, repos: new Map<string, boolean>() };
  private weights: RoutingWeights = { ...DEFAULT_WEIGHTS };
  private contextWeights: RoutingWeights | null = null;
  private pins = new Map<Provider, Provider>();
  private globalBreaker: "open" | "closed" = "closed";
  private manualBreakers = new Set<Provider>();
  private quotaBreakers = new Map<Provider, { state: "open" | "half-open"; since: number }>();
  private throttles = new Map<string, Throttle>();
  private retry = { maxAttempts: DEFAULT_MAX_ATTEMPTS, repos: new Map<string, number>() };
  private flowEngine: { replicas: number; hpaMin: number; hpaMax: number };
  private dbPoolSize: number;
  private quotas: Record<Provider, number>;
  private usage: Record<Provider, number> = { anthropic: 0, openai: 0, google: 0 };
  private keys: Record<Provider, ApiKey>;
  private quotaRequests: QuotaRequest[] = [];
  private flows: FlowRecord[] = [];
  private running: FlowRecord[] = [];
  private nextArrival = new Map<string, number>();
  private queues = new Map<string, number>();
  private spendByDay = new Map<string, number>();
  private spendByRepoToday = new Map<string, number>();
  private currentDay: string;
  private nextMinute: number;
  private scenarios: Scenarios = {};
  private quotaRequestCounter = 0;

  constructor(opts: ModelOptions = {}) {
    this.seed = opts.seed ?? 42;
    const startAt = opts.startAt === undefined ? Date.now() : new Date(opts.startAt).getTime();
    if (!Number.isFinite(startAt)) throw new Error(`startAt is not a valid time: ${String(opts.startAt)}`);
    this.rng = {
      arrivals: Prng.derive(this.seed, "arrivals"),
      flows: Prng.derive(this.seed, "flows"),
      ids: Prng.derive(this.seed, "ids"),
      routing: Prng.derive(this.seed, "routing"),
    };
    this.phase = opts.phase ?? "phase6";
    const footprint = FOOTPRINT_BY_PHASE[this.phase];
    this.flowEngine = { replicas: footprint.replicas, hpaMin: footprint.hpaMin, hpaMax: footprint.hpaMax };
    this.dbPoolSize = footprint.dbPool;
    this.quotas = { ...QUOTAS_BY_PHASE[this.phase] };
    const warmUp = Math.max(0, opts.warmUpHours ?? 24) * HOUR;
    this.clock = startAt - warmUp;
    this.currentDay = dayKey(this.clock);
    this.nextMinute = Math.ceil(this.clock / MINUTE) * MINUTE;
    this.keys = Object.fromEntries(PROVIDERS.map((p) => [p, { fingerprint: this.fingerprint(p, 0), rotatedAt: this.clock - 30 * DAY, generation: 0 }])) as Record<Provider, ApiKey>;
    const repos = this.phase === "pilot" ? [PILOT_REPO] : [...ALL_REPOS];
    for (const repo of repos) this.allowlist.set(repo, { phase: repo === PILOT_REPO ? "pilot" : this.phase, dailyCapUsd: DEFAULT_DAILY_CAP_USD });
    for (const repo of repos) this.scheduleArrival(repo);
    this.prefillHistory();
    this.advanceTo(startAt);
  }

  // ── Clock ──────────────────────────────────────────────────────────────────────────────────────────────────────

  now(): number {
    return this.clock;
  }

  /** Advances the simulated clock by `ms`, running every arrival, completion and periodic check on the way. */
  tick(ms: number): void {
    if (!(ms >= 0)) throw new Error(`tick needs a non-negative duration, got ${ms}`);
    this.advanceTo(this.clock + ms);
  }

  private advanceTo(target: number): void {
    for (;;) {
      let next = Infinity;
      let kind: "end" | "minute" | "arrival" = "minute";
      let flow: FlowRecord | undefined;
      let repo: string | undefined;
      for (const f of this.running) {
        if (f.endAt < next) {
          next = f.endAt;
          kind = "end";
          flow = f;
        }
      }
      if (this.nextMinute < next) {
        next = this.nextMinute;
        kind = "minute";
      }
      for (const [r, at] of this.nextArrival) {
        if (at < next) {
          next = at;
          kind = "arrival";
          repo = r;
        }
      }
      if (next > target) break;
      this.clock = Math.max(this.clock, next);
      if (kind === "end" && flow) this.finishFlow(flow);
      else if (kind === "minute") this.onMinute();
      else if (repo) this.onArrival(repo);
    }
    this.clock = Math.max(this.clock, target);
  }

  private onMinute(): void {
    this.nextMinute += MINUTE;
    const day = dayKey(this.clock);
    if (day !== this.currentDay) this.rollDay(day);
    const sc = this.scenarios;
    if (sc.leak) {
      const tokens = 15_000;
      this.addUsage(sc.leak.provider, tokens);
      this.charge(UNATTRIBUTED, (tokens / 1e6) * PROVIDER_PROFILES[sc.leak.provider].inputUsdPerM);
    }
    if (sc.storm) this.addUsage(sc.storm.provider, Math.round(this.quotas[sc.storm.provider] * 0.002 * this.retry.maxAttempts));
    for (const r of this.quotaRequests) {
      if (r.status === "submitted" && r.decisionAt <= this.clock) {
        r.status = "granted";
        for (const q of r.requests) this.quotas[q.provider] = Math.max(this.quotas[q.provider], q.dailyTokens);
      }
    }
    this.updateBreakers();
    const desired = Math.ceil(this.running.length / FLOWS_PER_REPLICA / 0.7);
    this.flowEngine.replicas = clamp(desired, this.flowEngine.hpaMin, this.flowEngine.hpaMax);
    this.trimFlows();
  }

  private rollDay(day: string): void {
    this.currentDay = day;
    this.spendByRepoToday.clear();
    this.usage = { anthropic: 0, openai: 0, google: 0 };
    this.updateBreakers();
    for (const repo of this.queues.keys()) this.drainQueue(repo);
  }

  private prefillHistory(): void {
    const history = Prng.derive(this.seed, "history");
    const today = startOfDay(this.clock);
    for (let d = 30; d >= 1; d--) {
      const day = today - d * DAY;
      this.spendByDay.set(dayKey(day), round2(clamp(history.normal(31, 5), 18, 45)));
    }
    // The warm-up starts part-way through its day: the part before it is history too.
    const before = (this.clock - today) / DAY;
    this.spendByDay.set(dayKey(today), round2(clamp(history.normal(31, 5), 18, 45) * before));
  }

  // ── Flows ──────────────────────────────────────────────────────────────────────────────────────────────────────

  private profile(repo: string) {
    return REPO_PROFILES[repo] ?? DEFAULT_REPO_PROFILE;
  }

  private arrivalRate(repo: string): number {
    const sc = this.scenarios;
    let rate = this.profile(repo).flowsPerHour;
    if (sc.costRunaway?.repo === repo) rate *= 40;
    if (sc.massFailure?.repos.includes(repo)) rate *= 30;
    if (sc.schemaBreak) rate *= 3;
    const capacity = this.throttles.get(repo)?.capacityPercent;
    if (capacity !== null && capacity !== undefined) rate *= capacity / 100;
    return rate;
  }

  private scheduleArrival(repo: string): void {
    const rate = this.arrivalRate(repo);
    const gap = rate > 0 ? this.rng.arrivals.exponential(HOUR / rate) : HOUR;
    this.nextArrival.set(repo, this.clock + Math.max(SECOND, Math.round(gap)));
  }

  private onArrival(repo: string): void {
    if (!this.allowlist.has(repo)) {
      this.nextArrival.delete(repo);
      return;
    }
    this.scheduleArrival(repo);
    if (this.globalBreaker === "open") return;
    if (this.isThrottled(repo)) {
      this.queues.set(repo, Math.min(50, (this.queues.get(repo) ?? 0) + 1));
      return;
    }
    this.startFlow(repo, "schedule");
  }

  private isThrottled(repo: string): boolean {
    const t = this.throttles.get(repo);
    if (!t) return false;
    if (t.dailyCapUsd !== null && (this.spendByRepoToday.get(repo) ?? 0) >= t.dailyCapUsd) return true;
    if (t.maxConcurrent !== null && this.running.filter((f) => f.repo === repo).length >= t.maxConcurrent) return true;
    return false;
  }

  private drainQueue(repo: string): void {
    let queued = this.queues.get(repo) ?? 0;
    while (queued > 0 && this.allowlist.has(repo) && this.globalBreaker === "closed" && !this.isThrottled(repo)) {
      queued--;
      this.queues.set(repo, queued);
      this.startFlow(repo, "schedule");
    }
    if (queued === 0 || !this.allowlist.has(repo)) this.queues.delete(repo);
  }

  private providerStatus(p: Provider): "up" | "degraded" | "down" {
    if (this.scenarios.outage?.providers.includes(p)) return "down";
    if (this.scenarios.storm?.provider === p) return "degraded";
    return "up";
  }

  private breakerState(p: Provider): "open" | "closed" | "half-open" {
    if (this.manualBreakers.has(p)) return "open";
    return this.quotaBreakers.get(p)?.state ?? "closed";
  }

  private available(p: Provider): boolean {
    return this.providerStatus(p) !== "down" && this.breakerState(p) !== "open" && this.usage[p] < this.quotas[p];
  }

  /** Routing weights after failover pins and automatic failover away from unavailable providers, as shares. */
  private shares(weights: RoutingWeights): Record<Provider, number> {
    const w: Record<Provider, number> = { ...weights };
    for (const [from, to] of this.pins) {
      w[to] += w[from];
      w[from] = 0;
    }
    const up = PROVIDERS.filter((p) => this.available(p));
    const out: Record<Provider, number> = { anthropic: 0, openai: 0, google: 0 };
    if (up.length === 0) return out;
    const total = up.reduce((s, p) => s + w[p], 0);
    for (const p of up) out[p] = total > 0 ? w[p] / total : 1 / up.length;
    return out;
  }

  private choose(weights: RoutingWeights): Provider | null {
    const shares = this.shares(weights);
    let u = this.rng.routing.next();
    let last: Provider | null = null;
    for (const p of PROVIDERS) {
      if (shares[p] <= 0) continue;
      last = p;
      if (u < shares[p]) return p;
      u -= shares[p];
    }
    return last;
  }

  /** Share of demand the remaining providers cannot serve: with one provider left the orchestrator has 50 % capacity. */
  private overloadProbability(): number {
    const up = PROVIDERS.filter((p) => this.providerStatus(p) !== "down").length;
    if (up !== 1) return 0;
    let demand = 0;
    let full = 0;
    for (const repo of this.allowlist.keys()) {
      const base = this.profile(repo).flowsPerHour;
      const cap = this.throttles.get(repo)?.capacityPercent;
      full += base;
      demand += base * (cap === null || cap === undefined ? 1 : cap / 100);
    }
    const fraction = full > 0 ? demand / full : 0;
    return fraction <= 0.5 ? 0 : 1 - 0.5 / fraction;
  }

  private dbDemand(): number {
    return DB_CONNECTIONS_BASE + this.running.length * DB_CONNECTIONS_PER_FLOW + (this.scenarios.dbPool?.demand ?? 0);
  }

  private startFlow(repo: string, trigger: FlowRecord["trigger"]): FlowRecord {
    // Every flow takes the same number of draws whatever happens to it, so one flow's fate never shifts the next's.
    const rng = this.rng.flows;
    const draw = {
      size: rng.normal(1, 0.05),
      speed: rng.between(0.95, 1.05),
      slow: rng.next(),
      outcome: rng.next(),
      quick: rng.between(2, 8),
      partial: rng.between(0.2, 0.7),
      gates: rng.int(2, 4),
      input: rng.between(0.95, 1.05),
      output: rng.normal(0, 1),
    };
    const sc = this.scenarios;
    const profile = this.profile(repo);
    const pruned = this.pruning.global || this.pruning.repos.get(repo) === true;
    let kb = profile.contextKb * clamp(draw.size, 0.85, 1.15);
    if (sc.largeContext?.repos.includes(repo)) kb *= 245 / profile.contextKb;
    if (sc.costRunaway?.repo === repo) kb *= 1.35;
    if (pruned) kb *= PRUNING_FACTOR;
    const contextKb = Math.round(kb);
    const provider = this.choose(this.weights);
    const id = `flw_${this.rng.ids.hex(12)}`;
    const base = {
      id,
      repo,
      trigger,
      startedAt: this.clock,
      finishedAt: null,
      contextKb,
      pruned,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      quarantined: false,
    };
    if (!provider) {
      // Nothing to route to: all providers down (5xx) or all breakers open / quotas spent (429).
      const allDown = PROVIDERS.every((p) => this.providerStatus(p) === "down");
      const flow: FlowRecord = {
        ...base,
        provider: this.pick429Provider(),
        contextProvider: this.pick429Provider(),
        endAt: this.clock + 2 * SECOND,
        plannedInput: 0,
        plannedOutput: 0,
        fraction: 0,
        outcome: allDown ? "5xx" : "429",
        gates: 0,
      };
      this.track(flow);
      return flow;
    }
    const contextProvider = (this.contextWeights && this.choose(this.contextWeights)) || provider;
    let seconds = (baseDurationSeconds(contextKb) / PROVIDER_PROFILES[provider].speed) * draw.speed;
    const degraded = this.providerStatus(provider) === "degraded";
    const dbShort = this.dbDemand() + DB_CONNECTIONS_PER_FLOW > this.dbPoolSize;
    if (degraded) seconds *= 1.3;
    if (dbShort) seconds *= 1.25;
    const massFailing = sc.massFailure?.repos.includes(repo) ?? false;
    if (massFailing && draw.slow < 0.3) seconds *= 1.8;
    const p429 = this.overloadProbability() + (sc.storm?.provider === provider ? 0.35 : 0);
    const p5xx = 0.01 + (degraded ? 0.1 : 0) + (massFailing ? 0.8 : 0) + (dbShort ? 0.35 : 0);
    const pValidation = 0.02 + (sc.schemaBreak ? 0.6 : 0);
    const u = draw.outcome;
    let outcome: Outcome;
    let runSeconds = seconds;
    let gates = QUALITY_GATES_TOTAL;
    if (u < p429) {
      outcome = "429";
      runSeconds = draw.quick;
      gates = 0;
    } else if (u < p429 + p5xx) {
      outcome = "5xx";
      runSeconds = seconds * draw.partial;
      gates = 0;
    } else if (seconds > HARD_TIMEOUT_SECONDS) {
      outcome = "timeout";
      runSeconds = HARD_TIMEOUT_SECONDS;
      gates = 0;
    } else if (u < p429 + p5xx + pValidation) {
      outcome = "validation";
      gates = sc.schemaBreak ? 2 : draw.gates;
    } else {
      outcome = "succeeded";
    }
    const outputMean = sc.costRunaway?.repo === repo ? OUTPUT_TOKENS_MEAN * 3 : OUTPUT_TOKENS_MEAN;
    const flow: FlowRecord = {
      ...base,
      provider,
      contextProvider,
      endAt: this.clock + Math.max(SECOND, Math.round(runSeconds * SECOND)),
      plannedInput: Math.round(contextKb * TOKENS_PER_KB * draw.input),
      plannedOutput: Math.max(500, Math.round(outputMean + (outputMean / 8) * draw.output)),
      fraction: outcome === "429" ? 0 : Math.min(1, runSeconds / seconds),
      outcome,
      gates,
    };
    this.track(flow);
    return flow;
  }

  private pick429Provider(): Provider {
    return PROVIDERS.reduce((a, b) => (this.usage[b] / this.quotas[b] > this.usage[a] / this.quotas[a] ? b : a));
  }

  private track(flow: FlowRecord): void {
    this.flows.push(flow);
    this.running.push(flow);
  }

  private finishFlow(flow: FlowRecord, forced?: { outcome: Outcome }): void {
    this.running = this.running.filter((f) => f !== flow);
    if (forced) {
      const planned = flow.endAt - flow.startedAt;
      flow.fraction = planned > 0 ? flow.fraction * ((this.clock - flow.startedAt) / planned) : 0;
      flow.outcome = forced.outcome;
      flow.gates = 0;
      flow.endAt = this.clock;
    }
    flow.finishedAt = this.clock;
    const retries = flow.outcome === "5xx" || flow.outcome === "timeout" ? (this.retry.repos.get(flow.repo) ?? this.retry.maxAttempts) - 1 : 0;
    const factor = flow.fraction * (1 + 0.5 * retries);
    flow.inputTokens = Math.round(flow.plannedInput * factor);
    flow.outputTokens = Math.round(flow.plannedOutput * factor);
    flow.costUsd =
      Math.round(
        ((flow.inputTokens / 1e6) * PROVIDER_PROFILES[flow.contextProvider].inputUsdPerM + (flow.outputTokens / 1e6) * PROVIDER_PROFILES[flow.provider].outputUsdPerM) * 10_000,
      ) / 10_000;
    this.addUsage(flow.contextProvider, flow.inputTokens);
    this.addUsage(flow.provider, flow.outputTokens);
    this.charge(flow.repo, flow.costUsd);
    this.updateBreakers();
    this.drainQueue(flow.repo);
  }

  private addUsage(p: Provider, tokens: number): void {
    this.usage[p] = Math.min(this.quotas[p], this.usage[p] + tokens);
  }

  private charge(repo: string, usd: number): void {
    this.spendByDay.set(this.currentDay, (this.spendByDay.get(this.currentDay) ?? 0) + usd);
    this.spendByRepoToday.set(repo, (this.spendByRepoToday.get(repo) ?? 0) + usd);
  }

  private updateBreakers(): void {
    for (const p of PROVIDERS) {
      const over = this.usage[p] >= this.quotas[p] * BREAKER_RATIO;
      const b = this.quotaBreakers.get(p);
      if (over && b?.state !== "open") this.quotaBreakers.set(p, { state: "open", since: this.clock });
      else if (!over && b?.state === "open") this.quotaBreakers.set(p, { state: "half-open", since: this.clock });
      else if (!over && b?.state === "half-open" && this.clock - b.since >= HALF_OPEN_MS) this.quotaBreakers.delete(p);
    }
  }

  private trimFlows(): void {
    const cutoff = this.clock - FLOW_RETENTION_MS;
    let drop = 0;
    while (drop < this.flows.length && (this.flows.length - drop > MAX_FLOWS_KEPT || this.flows[drop].startedAt < cutoff) && this.flows[drop].finishedAt !== null) drop++;
    if (drop > 0) this.flows = this.flows.slice(drop);
  }

  private fingerprint(p: Provider, generation: number): string {
    return `sha256:${createHash("sha256").update(`${this.seed}:${p}:${generation}`).digest("hex").slice(0, 32)}`;
  }

  // ── Scenarios ──────────────────────────────────────────────────────────────────────────────────────────────────

  /** Starts a scenario (replacing one of the same kind); returns what is now active. */
  injectScenario(input: ScenarioInput): ActiveScenario[] {
    const now = this.clock;
    switch (input.scenario) {
      case "provider-outage": {
        const providers = input.providers?.length ? [...new Set(input.providers)] : PROVIDERS.slice(0, clamp(input.count ?? 1, 1, 3));
        this.scenarios.outage = { providers, since: now };
        // Automatic failover: flows in flight on a failed provider move to one still up, or fail.
        for (const f of [...this.running]) {
          if (!providers.includes(f.provider) && !providers.includes(f.contextProvider)) continue;
          const alternate = this.choose(this.weights);
          if (alternate) {
            if (providers.includes(f.provider)) f.provider = alternate;
            if (providers.includes(f.contextProvider)) f.contextProvider = alternate;
            f.endAt += 10 * SECOND;
          } else {
            this.finishFlow(f, { outcome: "5xx" });
          }
        }
        break;
      }
      case "rate-limit-storm": {
        const provider = input.provider ?? "openai";
        this.scenarios.storm = { provider, since: now };
        this.usage[provider] = Math.max(this.usage[provider], Math.round(this.quotas[provider] * 0.9));
        this.updateBreakers();
        for (const f of [...this.running]) if (f.provider === provider) this.finishFlow(f, { outcome: "429" });
        break;
      }
      case "cost-runaway": {
        const repo = input.repo ?? "reporting-etl";
        this.scenarios.costRunaway = { repo, since: now };
        // What it spent before anyone noticed.
        this.charge(repo, 25);
        this.scheduleArrival(repo);
        break;
      }
      case "large-context-timeouts":
        this.scenarios.largeContext = { repos: input.repos?.length ? input.repos : ["reporting-etl", "search-indexer", "docs-portal"], since: now };
        for (const repo of this.scenarios.largeContext.repos) if (this.allowlist.has(repo)) this.startFlow(repo, "schedule");
        break;
      case "mass-failure":
        this.scenarios.massFailure = {
          repos: input.repos?.length ? input.repos : ["billing-api", "checkout-web", "identity-service", "notification-hub", "inventory-service", "mobile-gateway"],
          since: now,
        };
        for (const repo of this.scenarios.massFailure.repos) {
          if (!this.allowlist.has(repo)) continue;
          this.startFlow(repo, "schedule");
          this.scheduleArrival(repo);
        }
        break;
      case "schema-breaking-deployment":
        this.scenarios.schemaBreak = { since: now };
        for (const repo of this.allowlist.keys()) {
          this.startFlow(repo, "schedule");
          this.scheduleArrival(repo);
        }
        break;
      case "db-pool-exhaustion":
        this.scenarios.dbPool = { demand: Math.round(this.dbPoolSize * 1.3), since: now };
        break;
      case "leaked-api-key": {
        const provider = input.provider ?? "openai";
        this.scenarios.leak = { provider, fingerprint: this.keys[provider].fingerprint, since: now };
        break;
      }
    }
    return this.activeScenarios();
  }

  /** Ends every scenario: providers recover, rates and sizes return to normal. */
  clearScenarios(): void {
    this.scenarios = {};
    for (const repo of this.allowlist.keys()) this.scheduleArrival(repo);
    this.updateBreakers();
  }

  activeScenarios(): ActiveScenario[] {
    const sc = this.scenarios;
    const out: ActiveScenario[] = [];
    if (sc.outage) out.push({ scenario: "provider-outage", since: iso(sc.outage.since), detail: { providers: sc.outage.providers } });
    if (sc.storm) out.push({ scenario: "rate-limit-storm", since: iso(sc.storm.since), detail: { provider: sc.storm.provider } });
    if (sc.costRunaway) out.push({ scenario: "cost-runaway", since: iso(sc.costRunaway.since), detail: { repo: sc.costRunaway.repo } });
    if (sc.largeContext) out.push({ scenario: "large-context-timeouts", since: iso(sc.largeContext.since), detail: { repos: sc.largeContext.repos } });
    if (sc.massFailure) out.push({ scenario: "mass-failure", since: iso(sc.massFailure.since), detail: { repos: sc.massFailure.repos } });
    if (sc.schemaBreak) out.push({ scenario: "schema-breaking-deployment", since: iso(sc.schemaBreak.since), detail: {} });
    if (sc.dbPool) out.push({ scenario: "db-pool-exhaustion", since: iso(sc.dbPool.since), detail: { extraConnections: sc.dbPool.demand } });
    if (sc.leak) out.push({ scenario: "leaked-api-key", since: iso(sc.leak.since), detail: { provider: sc.leak.provider, fingerprint: sc.leak.fingerprint } });
    return out;
  }

  // ── Actions ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Applies one action with canonical (already validated) parameters. Deterministic. */
  apply<A extends ControlPlaneAction>(action: A, params: ActionParams<A>): ApplyResult<A>;
  apply(action: ControlPlaneAction, params: ActionParams<ControlPlaneAction>): ApplyResult {
    switch (action) {
      case "set-allowlist":
        return this.setAllowlist(params as ActionParams<"set-allowlist">);
      case "rollback-to-pilot":
        return this.rollbackToPilot(params as ActionParams<"rollback-to-pilot">);
      case "set-context-pruning":
        return this.setPruning(params as ActionParams<"set-context-pruning">);
      case "set-routing-weights":
        return this.setRouting(params as ActionParams<"set-routing-weights">);
      case "failover-provider":
        return this.failover(params as ActionParams<"failover-provider">);
      case "throttle-repo":
        return this.throttle(params as ActionParams<"throttle-repo">);
      case "set-circuit-breaker":
        return this.setBreaker(params as ActionParams<"set-circuit-breaker">);
      case "set-retry-limit":
        return this.setRetry(params as ActionParams<"set-retry-limit">);
      case "scale-flowengine":
        return this.scale(params as ActionParams<"scale-flowengine">);
      case "set-db-pool-size":
        return this.setDbPool(params as ActionParams<"set-db-pool-size">);
      case "rotate-api-key":
        return this.rotateKeys(params as ActionParams<"rotate-api-key">);
      case "quarantine-flow-output":
        return this.quarantine(params as ActionParams<"quarantine-flow-output">);
      case "run-flow":
        return this.runFlow(params as ActionParams<"run-flow">);
      case "request-quota-increase":
        return this.requestQuota(params as ActionParams<"request-quota-increase">);
    }
  }

  private refuse(detail: string, status: 404 | 422 = 422): ApplyResult<never> {
    return status === 404
      ? { ok: false, status, code: "not-found", title: "Not found", detail }
      : { ok: false, status, code: "action-refused", title: "The control plane refused the action", detail };
  }

  private done<A extends ControlPlaneAction>(changed: boolean, summary: string, result: ActionResult<A>): ApplyResult<A> {
    return { ok: true, status: changed ? "applied" : "no-change", summary: changed ? summary : `No change: ${summary}`, result };
  }

  private allowlistView(): Settings["allowlist"] {
    return [...this.allowlist].map(([repo, e]) => ({ repo, phase: e.phase, dailyCapUsd: e.dailyCapUsd })).sort((a, b) => a.repo.localeCompare(b.repo));
  }

  private setAllowlist(p: ActionParams<"set-allowlist">): ApplyResult<"set-allowlist"> {
    const added: string[] = [];
    const removed: string[] = [];
    for (const repo of p.add ?? []) {
      const entry = { phase: p.phase ?? (repo === PILOT_REPO ? "pilot" : this.phase === "pilot" ? "phase6" : this.phase), dailyCapUsd: p.dailyCapUsd ?? DEFAULT_DAILY_CAP_USD };
      const old = this.allowlist.get(repo);
      if (old && old.phase === entry.phase && old.dailyCapUsd === entry.dailyCapUsd) continue;
      this.allowlist.set(repo, entry);
      if (!old) this.scheduleArrival(repo);
      added.push(repo);
    }
    for (const repo of p.remove ?? []) {
      if (!this.allowlist.delete(repo)) continue;
      this.nextArrival.delete(repo);
      this.queues.delete(repo);
      removed.push(repo);
    }
    const parts = [added.length && `added ${added.join(", ")}`, removed.length && `removed ${removed.join(", ")}`].filter(Boolean);
    return this.done(parts.length > 0, parts.length ? `Allowlist: ${parts.join("; ")}.` : "the allowlist already had these repos.", {
      allowlist: this.allowlistView(),
      added,
      removed,
    });
  }

  private rollbackToPilot(p: ActionParams<"rollback-to-pilot">): ApplyResult<"rollback-to-pilot"> {
    const removed = [...this.allowlist.keys()].filter((r) => r !== p.pilotRepo).sort();
    const changed = removed.length > 0 || !this.allowlist.has(p.pilotRepo) || this.phase !== "pilot";
    for (const repo of removed) {
      this.allowlist.delete(repo);
      this.nextArrival.delete(repo);
      this.queues.delete(repo);
    }
    if (!this.allowlist.has(p.pilotRepo)) {
      this.allowlist.set(p.pilotRepo, { phase: "pilot", dailyCapUsd: DEFAULT_DAILY_CAP_USD });
      this.scheduleArrival(p.pilotRepo);
    }
    this.phase = "pilot";
    const inFlight = this.running.filter((f) => removed.includes(f.repo)).length;
    return this.done(changed, `Rolled back to the pilot: only ${p.pilotRepo} is allowlisted (${removed.length} repos removed, ${inFlight} of their flows still finishing).`, {
      phase: this.phase,
      allowlist: this.allowlistView(),
      removed,
      inFlightFlowsOfRemovedRepos: inFlight,
    });
  }

  private pruningView(): Settings["pruning"] {
    return { global: this.pruning.global, repos: [...this.pruning.repos].map(([repo, enabled]) => ({ repo, enabled })).sort((a, b) => a.repo.localeCompare(b.repo)) };
  }

  private setPruning(p: ActionParams<"set-context-pruning">): ApplyResult<"set-context-pruning"> {
    let changed: boolean;
    if (p.scope === "global") {
      changed = this.pruning.global !== p.enabled;
      this.pruning.global = p.enabled;
    } else {
      if (!this.knownRepo(p.repo)) return this.refuse(`unknown repo ${p.repo}`);
      changed = (this.pruning.repos.get(p.repo) ?? false) !== p.enabled;
      this.pruning.repos.set(p.repo, p.enabled);
    }
    const what = p.scope === "global" ? "every repo" : p.repo;
    return this.done(changed, `Context pruning ${p.enabled ? "enabled" : "disabled"} for ${what} (new flows only).`, { pruning: this.pruningView() });
  }

  private routingView(): Settings["routing"] {
    return { weights: { ...this.weights }, contextWeights: this.contextWeights && { ...this.contextWeights }, pins: [...this.pins].map(([from, to]) => ({ from, to })) };
  }

  private setRouting(p: ActionParams<"set-routing-weights">): ApplyResult<"set-routing-weights"> {
    const before = JSON.stringify(this.routingView());
    if (p.stage === "context") this.contextWeights = { ...p.weights };
    else this.weights = { ...p.weights };
    if (p.stage === "all") {
      this.contextWeights = null;
      this.pins.clear();
    }
    const changed = JSON.stringify(this.routingView()) !== before;
    const text = PROVIDERS.map((x) => `${PROVIDER_LABELS[x]} ${p.weights[x]}%`).join(", ");
    return this.done(changed, `Routing (${p.stage} stage${p.stage === "all" ? "s, failover pins released" : ""}): ${text}.`, { routing: this.routingView() });
  }

  private failover(p: ActionParams<"failover-provider">): ApplyResult<"failover-provider"> {
    if (this.providerStatus(p.to) === "down") return this.refuse(`cannot fail over to ${PROVIDER_LABELS[p.to]}: it is down`);
    const alreadyAuto = !this.available(p.from);
    const pinnedBefore = this.pins.get(p.from) === p.to;
    this.pins.set(p.from, p.to);
    const changed = !pinnedBefore && !alreadyAuto;
    const summary = alreadyAuto
      ? `automatic failover had already moved ${PROVIDER_LABELS[p.from]}'s traffic; pinned to ${PROVIDER_LABELS[p.to]}.`
      : `${PROVIDER_LABELS[p.from]}'s traffic now goes to ${PROVIDER_LABELS[p.to]} (pinned until routing is restored).`;
    return this.done(changed, pinnedBefore ? `${PROVIDER_LABELS[p.from]} was already pinned to ${PROVIDER_LABELS[p.to]}.` : summary, {
      routing: this.routingView(),
      automaticFailoverAlreadyActive: alreadyAuto,
    });
  }

  private knownRepo(repo: string): boolean {
    return this.allowlist.has(repo) || repo in REPO_PROFILES;
  }

  private throttleView(repos?: string[]): Settings["throttles"] {
    return [...this.throttles]
      .filter(([repo]) => !repos || repos.includes(repo))
      .map(([repo, t]) => ({ repo, ...t }))
      .sort((a, b) => a.repo.localeCompare(b.repo));
  }

  private throttle(p: ActionParams<"throttle-repo">): ApplyResult<"throttle-repo"> {
    const repos = p.repos ?? (p.repo ? [p.repo] : []);
    const unknown = repos.filter((r) => !this.knownRepo(r));
    if (unknown.length) return this.refuse(`unknown repo${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
    let changed = false;
    const lifted: string[] = [];
    for (const repo of repos) {
      if (p.lift) {
        if (this.throttles.delete(repo)) {
          changed = true;
          lifted.push(repo);
        }
      } else {
        const old = this.throttles.get(repo);
        const next: Throttle = {
          maxConcurrent: p.maxConcurrent ?? old?.maxConcurrent ?? null,
          dailyCapUsd: p.dailyCapUsd ?? old?.dailyCapUsd ?? null,
          capacityPercent: p.capacityPercent ?? old?.capacityPercent ?? null,
        };
        if (JSON.stringify(old) !== JSON.stringify(next)) changed = true;
        this.throttles.set(repo, next);
      }
      if (this.allowlist.has(repo)) this.scheduleArrival(repo);
      this.drainQueue(repo);
    }
    const limits = [
      p.maxConcurrent !== undefined && `at most ${p.maxConcurrent} concurrent`,
      p.dailyCapUsd !== undefined && `$${p.dailyCapUsd}/day`,
      p.capacityPercent !== undefined && `${p.capacityPercent}% capacity`,
    ].filter(Boolean);
    const summary = p.lift ? `Throttle lifted for ${repos.join(", ")}.` : `Throttled ${repos.join(", ")}: ${limits.join(", ")}.`;
    return this.done(changed, summary, { throttles: this.throttleView(repos), lifted });
  }

  private breakersView(): Settings["breakers"] {
    return {
      global: this.globalBreaker,
      providers: PROVIDERS.map((provider) => ({
        provider,
        state: this.breakerState(provider),
        reason: this.manualBreakers.has(provider) ? ("manual" as const) : this.quotaBreakers.has(provider) ? ("quota" as const) : null,
      })),
    };
  }

  private setBreaker(p: ActionParams<"set-circuit-breaker">): ApplyResult<"set-circuit-breaker"> {
    let changed: boolean;
    let summary: string;
    if (p.scope === "global") {
      changed = this.globalBreaker !== p.state;
      this.globalBreaker = p.state;
      summary = p.state === "open" ? "Global circuit breaker open: no new flows start." : "Global circuit breaker closed: flows start again.";
      if (p.state === "closed") for (const repo of this.allowlist.keys()) this.drainQueue(repo);
    } else {
      const before = this.breakerState(p.provider);
      if (p.state === "open") this.manualBreakers.add(p.provider);
      else this.manualBreakers.delete(p.provider);
      const after = this.breakerState(p.provider);
      changed = before !== after;
      summary =
        p.state === "closed" && after !== "closed"
          ? `${PROVIDER_LABELS[p.provider]}'s breaker stays ${after}: its quota use is at or above ${BREAKER_THRESHOLD_PERCENT}%.`
          : `${PROVIDER_LABELS[p.provider]}'s circuit breaker is ${after}.`;
    }
    return this.done(changed, summary, { breakers: this.breakersView() });
  }

  private retryView(): Settings["retry"] {
    return { maxAttempts: this.retry.maxAttempts, repos: [...this.retry.repos].map(([repo, maxAttempts]) => ({ repo, maxAttempts })) };
  }

  private setRetry(p: ActionParams<"set-retry-limit">): ApplyResult<"set-retry-limit"> {
    let changed: boolean;
    if (p.scope === "repo" && p.repo) {
      changed = this.retry.repos.get(p.repo) !== p.maxAttempts;
      this.retry.repos.set(p.repo, p.maxAttempts);
    } else {
      changed = this.retry.maxAttempts !== p.maxAttempts;
      this.retry.maxAttempts = p.maxAttempts;
    }
    return this.done(changed, `Retries capped at ${p.maxAttempts} attempts${p.scope === "repo" ? ` for ${p.repo}` : ""}.`, { retry: this.retryView() });
  }

  private scale(p: ActionParams<"scale-flowengine">): ApplyResult<"scale-flowengine"> {
    const before = JSON.stringify(this.flowEngine);
    this.flowEngine = { replicas: p.replicas, hpaMin: p.hpaMin, hpaMax: p.hpaMax };
    const changed = JSON.stringify(this.flowEngine) !== before;
    return this.done(changed, `FlowEngine at ${p.replicas} replicas (HPA ${p.hpaMin}–${p.hpaMax}).`, { flowEngine: { ...this.flowEngine } });
  }

  private dbInUse(): number {
    return Math.min(this.dbPoolSize, this.dbDemand());
  }

  private setDbPool(p: ActionParams<"set-db-pool-size">): ApplyResult<"set-db-pool-size"> {
    const changed = this.dbPoolSize !== p.size;
    this.dbPoolSize = p.size;
    return this.done(changed, `DB connection pool set to ${p.size}.`, { dbPool: { size: this.dbPoolSize, inUse: this.dbInUse() } });
  }

  private rotateKeys(p: ActionParams<"rotate-api-key">): ApplyResult<"rotate-api-key"> {
    const keys: ActionResult<"rotate-api-key">["keys"] = [];
    let failed = 0;
    for (const provider of p.providers) {
      const old = this.keys[provider];
      const generation = old.generation + 1;
      this.keys[provider] = { fingerprint: this.fingerprint(provider, generation), rotatedAt: this.clock, generation };
      keys.push({ provider, fingerprint: this.keys[provider].fingerprint, previousFingerprint: old.fingerprint, previousRevoked: p.revokePrevious, rotatedAt: iso(this.clock) });
      if (p.revokePrevious) {
        // Flows in flight still hold the old key: they fail and must be re-run.
        for (const f of [...this.running]) {
          if (f.provider === provider || f.contextProvider === provider) {
            this.finishFlow(f, { outcome: "5xx" });
            failed++;
          }
        }
        if (this.scenarios.leak?.provider === provider) delete this.scenarios.leak;
      }
    }
    const names = p.providers.map((x) => PROVIDER_LABELS[x]).join(", ");
    return this.done(true, `Rotated ${names} API key${p.providers.length > 1 ? "s" : ""}${p.revokePrevious ? " and revoked the old ones" : " (old keys still valid)"}.`, {
      keys,
      inFlightFlowsFailed: failed,
    });
  }

  private quarantine(p: ActionParams<"quarantine-flow-output">): ApplyResult<"quarantine-flow-output"> {
    let targets: FlowRecord[];
    if (p.flowId) {
      const flow = this.flows.find((f) => f.id === p.flowId);
      if (!flow) return this.refuse(`no flow ${p.flowId}`, 404);
      targets = [flow];
    } else {
      const since = p.since ? Date.parse(p.since) : -Infinity;
      targets = this.flows.filter((f) => f.repo === p.repo && f.startedAt >= since);
    }
    const fresh = targets.filter((f) => !f.quarantined);
    for (const f of fresh) f.quarantined = true;
    const ids = targets.map((f) => f.id);
    const what = p.flowId ? `flow ${p.flowId}` : `${ids.length} flow${ids.length === 1 ? "" : "s"} of ${p.repo}${p.since ? ` since ${p.since}` : ""}`;
    return this.done(fresh.length > 0, `Quarantined the output of ${what}.`, { quarantinedFlowIds: ids, count: ids.length });
  }

  private runFlow(p: ActionParams<"run-flow">): ApplyResult<"run-flow"> {
    if (!this.allowlist.has(p.repo)) return this.refuse(`${p.repo} is not on the allowlist`);
    if (this.globalBreaker === "open") return this.refuse("the global circuit breaker is open: no flow can start");
    const flow = this.startFlow(p.repo, "manual");
    return this.done(true, `Flow ${flow.id} started for ${p.repo} on ${PROVIDER_LABELS[flow.provider]}.`, {
      flowId: flow.id,
      repo: flow.repo,
      provider: flow.provider,
      status: "running",
      startedAt: iso(flow.startedAt),
    });
  }

  private requestQuota(p: ActionParams<"request-quota-increase">): ApplyResult<"request-quota-increase"> {
    const requests = p.requests.map((r) => ({ provider: r.provider, dailyTokens: r.dailyTokens, currentDailyTokens: this.quotas[r.provider] }));
    const needed = requests.filter((r) => r.dailyTokens > r.currentDailyTokens);
    const decisionAt = this.clock + (p.urgency === "emergency" ? 15 * MINUTE : 2 * HOUR);
    const requestId = `QR-${String(++this.quotaRequestCounter).padStart(4, "0")}`;
    if (needed.length > 0) {
      this.quotaRequests.push({
        requestId,
        urgency: p.urgency,
        status: "submitted",
        requests: needed.map((r) => ({ provider: r.provider, dailyTokens: r.dailyTokens })),
        submittedAt: iso(this.clock),
        decisionExpectedAt: iso(decisionAt),
        decisionAt,
      });
    }
    const text = needed.map((r) => `${PROVIDER_LABELS[r.provider]} ${r.dailyTokens.toLocaleString("en-US")}/day`).join(", ");
    return this.done(needed.length > 0, needed.length ? `Quota increase ${requestId} submitted (${p.urgency}): ${text}.` : "every requested quota is already at or above that level.", {
      requestId,
      status: needed.length > 0 ? "submitted" : "granted",
      requests,
      decisionExpectedAt: iso(needed.length > 0 ? decisionAt : this.clock),
    });
  }

  // ── Telemetry views ────────────────────────────────────────────────────────────────────────────────────────────

  private flowView(f: FlowRecord): Flow {
    const done = f.finishedAt !== null;
    return {
      id: f.id,
      repo: f.repo,
      provider: f.provider,
      contextProvider: f.contextProvider,
      model: PROVIDER_PROFILES[f.provider].model,
      status: !done ? "running" : f.outcome === "succeeded" ? "succeeded" : "failed",
      trigger: f.trigger,
      startedAt: iso(f.startedAt),
      finishedAt: done ? iso(f.finishedAt!) : null,
      durationMs: (done ? f.finishedAt! : this.clock) - f.startedAt,
      contextKb: f.contextKb,
      pruned: f.pruned,
      inputTokens: f.inputTokens,
      outputTokens: f.outputTokens,
      tokens: f.inputTokens + f.outputTokens,
      costUsd: f.costUsd,
      qualityGatesPassed: done ? f.gates : 0,
      qualityGatesTotal: QUALITY_GATES_TOTAL,
      errorType: done && f.outcome !== "succeeded" ? f.outcome : null,
      quarantined: f.quarantined,
    };
  }

  /** Most recent first. */
  listFlows(query: { limit: number; repo?: string; status?: Flow["status"]; since?: string } = { limit: 50 }): Flow[] {
    const since = query.since ? Date.parse(query.since) : -Infinity;
    const out: Flow[] = [];
    for (let i = this.flows.length - 1; i >= 0 && out.length < query.limit; i--) {
      const f = this.flows[i];
      if (f.startedAt < since) break;
      if (query.repo && f.repo !== query.repo) continue;
      const view = this.flowView(f);
      if (query.status && view.status !== query.status) continue;
      out.push(view);
    }
    return out;
  }

  getFlow(id: string): Flow | null {
    const f = this.flows.find((x) => x.id === id);
    return f ? this.flowView(f) : null;
  }

  aggregates(window: TelemetryWindow = "24h"): Aggregates {
    const now = this.clock;
    const from = now - WINDOW_MS[window];
    const today = startOfDay(now);
    const perDay: Aggregates["spend"]["perDay"] = [];
    for (let d = 29; d >= 0; d--) {
      const key = dayKey(today - d * DAY);
      perDay.push({ date: key, usd: round2(this.spendByDay.get(key) ?? 0) });
    }
    const monthPrefix = this.currentDay.slice(0, 7);
    const monthToDate = [...this.spendByDay].filter(([k]) => k.startsWith(monthPrefix)).reduce((s, [, v]) => s + v, 0);
    const date = new Date(now);
    const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    const elapsedDays = date.getUTCDate() - 1 + (now - today) / DAY;
    const finished = this.flows.filter((f) => f.finishedAt !== null && f.finishedAt >= from && f.finishedAt <= now);
    const durations = finished.map((f) => f.finishedAt! - f.startedAt).sort((a, b) => a - b);
    const byRepo = new Map<string, { flows: number; failed: number }>();
    for (const f of finished) {
      const e = byRepo.get(f.repo) ?? { flows: 0, failed: 0 };
      e.flows++;
      if (f.outcome !== "succeeded") e.failed++;
      byRepo.set(f.repo, e);
    }
    const lastHour = this.flows.filter((f) => f.finishedAt !== null && f.finishedAt > now - HOUR && f.finishedAt <= now && f.outcome !== "succeeded");
    return {
      at: iso(now),
      phase: this.phase,
      window: { label: window, from: iso(from), to: iso(now) },
      spend: {
        perDay,
        perRepoToday: [...this.spendByRepoToday].map(([repo, v]) => ({ repo, usd: round2(v) })).sort((a, b) => b.usd - a.usd || a.repo.localeCompare(b.repo)),
        todayUsd: round2(this.spendByDay.get(this.currentDay) ?? 0),
        monthToDateUsd: round2(monthToDate),
        monthProjectionUsd: round2(elapsedDays > 0 ? (monthToDate / elapsedDays) * daysInMonth : 0),
      },
      tokens: PROVIDERS.map((provider) => ({
        provider,
        usedToday: this.usage[provider],
        dailyQuota: this.quotas[provider],
        usedPercent: Math.round((this.usage[provider] / this.quotas[provider]) * 1000) / 10,
        breakerThresholdPercent: BREAKER_THRESHOLD_PERCENT,
        resetsAt: iso(today + DAY),
      })),
      latency: {
        flows: durations.length,
        p50Ms: percentile(durations, 50),
        p95Ms: percentile(durations, 95),
        timeoutsOver180s: finished.filter((f) => f.outcome === "timeout").length,
      },
      failures: {
        perRepo: [...byRepo]
          .map(([repo, e]) => ({ repo, flows: e.flows, failed: e.failed, failureRate: Math.round((e.failed / e.flows) * 1000) / 1000 }))
          .sort((a, b) => a.repo.localeCompare(b.repo)),
        lastHour: { count: lastHour.length, repos: [...new Set(lastHour.map((f) => f.repo))].sort() },
      },
    };
  }

  providerHealth(): ProviderHealth {
    const down = PROVIDERS.filter((p) => this.providerStatus(p) === "down").length;
    const shares = this.shares(this.weights);
    return {
      at: iso(this.clock),
      orchestrator: down <= 1 ? "operational" : down === 2 ? "degraded" : "offline",
      providersDown: down,
      providers: PROVIDERS.map((provider) => {
        const status = this.providerStatus(provider);
        const base = PROVIDER_PROFILES[provider].latencyMs;
        return {
          provider,
          status,
          latencyMs: status === "down" ? null : status === "degraded" ? base * 3 : base,
          errorRate: status === "down" ? 1 : status === "degraded" ? 0.35 : 0.01,
          breaker: this.breakerState(provider),
          trafficShare: Math.round(shares[provider] * 1000) / 1000,
        };
      }),
    };
  }

  capacity(): Capacity {
    const busy = this.running.length / (this.flowEngine.replicas * FLOWS_PER_REPLICA);
    return {
      at: iso(this.clock),
      flowEngine: {
        ...this.flowEngine,
        cpuPercent: Math.round((8 + 85 * Math.min(1, busy)) * 10) / 10,
        runningFlows: this.running.length,
        queuedFlows: [...this.queues.values()].reduce((s, n) => s + n, 0),
      },
      dbPool: { inUse: this.dbInUse(), size: this.dbPoolSize },
    };
  }

  settings(): Settings {
    return {
      at: iso(this.clock),
      phase: this.phase,
      allowlist: this.allowlistView(),
      pruning: this.pruningView(),
      routing: this.routingView(),
      breakers: this.breakersView(),
      throttles: this.throttleView(),
      retry: this.retryView(),
      quotas: PROVIDERS.map((provider) => ({ provider, dailyTokens: this.quotas[provider] })),
      keys: PROVIDERS.map((provider) => ({ provider, fingerprint: this.keys[provider].fingerprint, rotatedAt: iso(this.keys[provider].rotatedAt) })),
      quotaRequests: this.quotaRequests.map((r) => ({
        requestId: r.requestId,
        urgency: r.urgency,
        status: r.status,
        requests: r.requests.map((q) => ({ ...q })),
        submittedAt: r.submittedAt,
        decisionExpectedAt: r.decisionExpectedAt,
      })),
    };
  }

  snapshot(opts: { flowLimit?: number; window?: TelemetryWindow } = {}): TelemetrySnapshot {
    return {
      at: iso(this.clock),
      flows: this.listFlows({ limit: opts.flowLimit ?? 50 }),
      aggregates: this.aggregates(opts.window ?? "24h"),
      providers: this.providerHealth(),
      capacity: this.capacity(),
      settings: this.settings(),
    };
  }

  /** Repos the model knows (allowlisted or with a profile), for admin validation. */
  knownRepos(): string[] {
    return [...new Set([...ALL_REPOS, ...this.allowlist.keys()])].sort();
  }
}
