/**
 * The orchestrator as a deterministic model: plain state, a simulated clock advanced by `tick(ms)`, and flows drawn
 * from seeded random streams. The same options and the same sequence of calls always give the same telemetry, so
 * tests and drills are repeatable. The HTTP layer (server.ts) owns real time, idempotency and faults.
 */
import { BREAKER_THRESHOLD_PERCENT, PROVIDERS, QUALITY_GATES_TOTAL, type Aggregates, type Capacity, type Flow, type ProviderHealth, type Settings, type TelemetrySnapshot, type TelemetryWindow } from "../lib/control-plane/contract";
import { ALL_REPOS, FLOWS_PER_REPLICA, PROVIDER_PROFILES } from "./catalog";
import { DAY, type FlowRecord, HOUR, WINDOW_MS, dayKey, iso, percentile, round2, startOfDay } from "./model-state";
import { ActionModel } from "./model-actions";

export { SCENARIOS, type ModelOptions, type ScenarioInput, type ScenarioName } from "./model-state";

/** The whole model: traffic, scenarios and actions (traffic.ts, scenarios.ts, model-actions.ts), and the telemetry views below. */
export class SimulatorModel extends ActionModel {
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
