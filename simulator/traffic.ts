/**
 * The model's state, its simulated clock and its traffic: arrivals, routing, flows, usage, spend and breakers.
 * The layers above add scenarios (scenarios.ts), actions (model-actions.ts) and telemetry views (simulator/model.ts).
 */
import { createHash } from "node:crypto";
import { HARD_TIMEOUT_SECONDS, PILOT_REPO, PROVIDERS, QUALITY_GATES_TOTAL, type Phase, type Provider, type RoutingWeights } from "../lib/control-plane/contract";
import { ALL_REPOS, DB_CONNECTIONS_BASE, DB_CONNECTIONS_PER_FLOW, DEFAULT_DAILY_CAP_USD, DEFAULT_MAX_ATTEMPTS, DEFAULT_REPO_PROFILE, DEFAULT_WEIGHTS, FLOWS_PER_REPLICA, FOOTPRINT_BY_PHASE, OUTPUT_TOKENS_MEAN, PROVIDER_PROFILES, PRUNING_FACTOR, QUOTAS_BY_PHASE, REPO_PROFILES, TOKENS_PER_KB, baseDurationSeconds } from "./catalog";
import { Prng } from "./prng";
import { type ApiKey, BREAKER_RATIO, DAY, FLOW_RETENTION_MS, type FlowRecord, HALF_OPEN_MS, HOUR, MAX_FLOWS_KEPT, MINUTE, type ModelOptions, type Outcome, type QuotaRequest, SECOND, type Scenarios, type Throttle, UNATTRIBUTED, clamp, dayKey, round2, startOfDay } from "./model-state";

export class TrafficModel {
  readonly seed: number;
  protected clock: number;
  protected phase: Phase;
  protected readonly rng: { arrivals: Prng; flows: Prng; ids: Prng; routing: Prng };
  protected allowlist = new Map<string, { phase: Phase; dailyCapUsd: number }>();
  protected pruning = { global: false, repos: new Map<string, boolean>() };
  protected weights: RoutingWeights = { ...DEFAULT_WEIGHTS };
  protected contextWeights: RoutingWeights | null = null;
  protected pins = new Map<Provider, Provider>();
  protected globalBreaker: "open" | "closed" = "closed";
  protected manualBreakers = new Set<Provider>();
  protected quotaBreakers = new Map<Provider, { state: "open" | "half-open"; since: number }>();
  protected throttles = new Map<string, Throttle>();
  protected retry = { maxAttempts: DEFAULT_MAX_ATTEMPTS, repos: new Map<string, number>() };
  protected flowEngine: { replicas: number; hpaMin: number; hpaMax: number };
  protected dbPoolSize: number;
  protected quotas: Record<Provider, number>;
  protected usage: Record<Provider, number> = { anthropic: 0, openai: 0, google: 0 };
  protected keys: Record<Provider, ApiKey>;
  protected quotaRequests: QuotaRequest[] = [];
  protected flows: FlowRecord[] = [];
  protected running: FlowRecord[] = [];
  protected nextArrival = new Map<string, number>();
  protected queues = new Map<string, number>();
  protected spendByDay = new Map<string, number>();
  protected spendByRepoToday = new Map<string, number>();
  protected currentDay: string;
  protected nextMinute: number;
  protected scenarios: Scenarios = {};
  protected quotaRequestCounter = 0;

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

  protected advanceTo(target: number): void {
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

  protected onMinute(): void {
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

  protected rollDay(day: string): void {
    this.currentDay = day;
    this.spendByRepoToday.clear();
    this.usage = { anthropic: 0, openai: 0, google: 0 };
    this.updateBreakers();
    for (const repo of this.queues.keys()) this.drainQueue(repo);
  }

  protected prefillHistory(): void {
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

  protected profile(repo: string) {
    return REPO_PROFILES[repo] ?? DEFAULT_REPO_PROFILE;
  }

  protected arrivalRate(repo: string): number {
    const sc = this.scenarios;
    let rate = this.profile(repo).flowsPerHour;
    if (sc.costRunaway?.repo === repo) rate *= 40;
    if (sc.massFailure?.repos.includes(repo)) rate *= 30;
    if (sc.schemaBreak) rate *= 3;
    const capacity = this.throttles.get(repo)?.capacityPercent;
    if (capacity !== null && capacity !== undefined) rate *= capacity / 100;
    return rate;
  }

  protected scheduleArrival(repo: string): void {
    const rate = this.arrivalRate(repo);
    const gap = rate > 0 ? this.rng.arrivals.exponential(HOUR / rate) : HOUR;
    this.nextArrival.set(repo, this.clock + Math.max(SECOND, Math.round(gap)));
  }

  protected onArrival(repo: string): void {
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

  protected isThrottled(repo: string): boolean {
    const t = this.throttles.get(repo);
    if (!t) return false;
    if (t.dailyCapUsd !== null && (this.spendByRepoToday.get(repo) ?? 0) >= t.dailyCapUsd) return true;
    if (t.maxConcurrent !== null && this.running.filter((f) => f.repo === repo).length >= t.maxConcurrent) return true;
    return false;
  }

  protected drainQueue(repo: string): void {
    let queued = this.queues.get(repo) ?? 0;
    while (queued > 0 && this.allowlist.has(repo) && this.globalBreaker === "closed" && !this.isThrottled(repo)) {
      queued--;
      this.queues.set(repo, queued);
      this.startFlow(repo, "schedule");
    }
    if (queued === 0 || !this.allowlist.has(repo)) this.queues.delete(repo);
  }

  protected providerStatus(p: Provider): "up" | "degraded" | "down" {
    if (this.scenarios.outage?.providers.includes(p)) return "down";
    if (this.scenarios.storm?.provider === p) return "degraded";
    return "up";
  }

  protected breakerState(p: Provider): "open" | "closed" | "half-open" {
    if (this.manualBreakers.has(p)) return "open";
    return this.quotaBreakers.get(p)?.state ?? "closed";
  }

  protected available(p: Provider): boolean {
    return this.providerStatus(p) !== "down" && this.breakerState(p) !== "open" && this.usage[p] < this.quotas[p];
  }

  /** Routing weights after failover pins and automatic failover away from unavailable providers, as shares. */
  protected shares(weights: RoutingWeights): Record<Provider, number> {
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

  protected choose(weights: RoutingWeights): Provider | null {
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
  protected overloadProbability(): number {
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

  protected dbDemand(): number {
    return DB_CONNECTIONS_BASE + this.running.length * DB_CONNECTIONS_PER_FLOW + (this.scenarios.dbPool?.demand ?? 0);
  }

  protected startFlow(repo: string, trigger: FlowRecord["trigger"]): FlowRecord {
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

  protected pick429Provider(): Provider {
    return PROVIDERS.reduce((a, b) => (this.usage[b] / this.quotas[b] > this.usage[a] / this.quotas[a] ? b : a));
  }

  protected track(flow: FlowRecord): void {
    this.flows.push(flow);
    this.running.push(flow);
  }

  protected finishFlow(flow: FlowRecord, forced?: { outcome: Outcome }): void {
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

  protected addUsage(p: Provider, tokens: number): void {
    this.usage[p] = Math.min(this.quotas[p], this.usage[p] + tokens);
  }

  protected charge(repo: string, usd: number): void {
    this.spendByDay.set(this.currentDay, (this.spendByDay.get(this.currentDay) ?? 0) + usd);
    this.spendByRepoToday.set(repo, (this.spendByRepoToday.get(repo) ?? 0) + usd);
  }

  protected updateBreakers(): void {
    for (const p of PROVIDERS) {
      const over = this.usage[p] >= this.quotas[p] * BREAKER_RATIO;
      const b = this.quotaBreakers.get(p);
      if (over && b?.state !== "open") this.quotaBreakers.set(p, { state: "open", since: this.clock });
      else if (!over && b?.state === "open") this.quotaBreakers.set(p, { state: "half-open", since: this.clock });
      else if (!over && b?.state === "half-open" && this.clock - b.since >= HALF_OPEN_MS) this.quotaBreakers.delete(p);
    }
  }

  protected trimFlows(): void {
    const cutoff = this.clock - FLOW_RETENTION_MS;
    let drop = 0;
    while (drop < this.flows.length && (this.flows.length - drop > MAX_FLOWS_KEPT || this.flows[drop].startedAt < cutoff) && this.flows[drop].finishedAt !== null) drop++;
    if (drop > 0) this.flows = this.flows.slice(drop);
  }

  protected fingerprint(p: Provider, generation: number): string {
    return `sha256:${createHash("sha256").update(`${this.seed}:${p}:${generation}`).digest("hex").slice(0, 32)}`;
  }
}
