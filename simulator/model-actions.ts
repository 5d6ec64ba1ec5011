/** The control plane's actions applied to the model, one handler per action. */
import type { ControlPlaneAction } from "../lib/control-plane/actions";
import { BREAKER_THRESHOLD_PERCENT, PILOT_REPO, PROVIDERS, PROVIDER_LABELS, type ActionParams, type ActionResult, type Settings } from "../lib/control-plane/contract";
import { DEFAULT_DAILY_CAP_USD, REPO_PROFILES } from "./catalog";
import { type ApplyResult, type FlowRecord, HOUR, MINUTE, type Throttle, iso } from "./model-state";
import { ScenarioModel } from "./scenarios";

export class ActionModel extends ScenarioModel {
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

  protected refuse(detail: string, status: 404 | 422 = 422): ApplyResult<never> {
    return status === 404
      ? { ok: false, status, code: "not-found", title: "Not found", detail }
      : { ok: false, status, code: "action-refused", title: "The control plane refused the action", detail };
  }

  protected done<A extends ControlPlaneAction>(changed: boolean, summary: string, result: ActionResult<A>): ApplyResult<A> {
    return { ok: true, status: changed ? "applied" : "no-change", summary: changed ? summary : `No change: ${summary}`, result };
  }

  protected allowlistView(): Settings["allowlist"] {
    return [...this.allowlist].map(([repo, e]) => ({ repo, phase: e.phase, dailyCapUsd: e.dailyCapUsd })).sort((a, b) => a.repo.localeCompare(b.repo));
  }

  protected setAllowlist(p: ActionParams<"set-allowlist">): ApplyResult<"set-allowlist"> {
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

  protected rollbackToPilot(p: ActionParams<"rollback-to-pilot">): ApplyResult<"rollback-to-pilot"> {
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

  protected pruningView(): Settings["pruning"] {
    return { global: this.pruning.global, repos: [...this.pruning.repos].map(([repo, enabled]) => ({ repo, enabled })).sort((a, b) => a.repo.localeCompare(b.repo)) };
  }

  protected setPruning(p: ActionParams<"set-context-pruning">): ApplyResult<"set-context-pruning"> {
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

  protected routingView(): Settings["routing"] {
    return { weights: { ...this.weights }, contextWeights: this.contextWeights && { ...this.contextWeights }, pins: [...this.pins].map(([from, to]) => ({ from, to })) };
  }

  protected setRouting(p: ActionParams<"set-routing-weights">): ApplyResult<"set-routing-weights"> {
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

  protected failover(p: ActionParams<"failover-provider">): ApplyResult<"failover-provider"> {
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

  protected knownRepo(repo: string): boolean {
    return this.allowlist.has(repo) || repo in REPO_PROFILES;
  }

  protected throttleView(repos?: string[]): Settings["throttles"] {
    return [...this.throttles]
      .filter(([repo]) => !repos || repos.includes(repo))
      .map(([repo, t]) => ({ repo, ...t }))
      .sort((a, b) => a.repo.localeCompare(b.repo));
  }

  protected throttle(p: ActionParams<"throttle-repo">): ApplyResult<"throttle-repo"> {
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

  protected breakersView(): Settings["breakers"] {
    return {
      global: this.globalBreaker,
      providers: PROVIDERS.map((provider) => ({
        provider,
        state: this.breakerState(provider),
        reason: this.manualBreakers.has(provider) ? ("manual" as const) : this.quotaBreakers.has(provider) ? ("quota" as const) : null,
      })),
    };
  }

  protected setBreaker(p: ActionParams<"set-circuit-breaker">): ApplyResult<"set-circuit-breaker"> {
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

  protected retryView(): Settings["retry"] {
    return { maxAttempts: this.retry.maxAttempts, repos: [...this.retry.repos].map(([repo, maxAttempts]) => ({ repo, maxAttempts })) };
  }

  protected setRetry(p: ActionParams<"set-retry-limit">): ApplyResult<"set-retry-limit"> {
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

  protected scale(p: ActionParams<"scale-flowengine">): ApplyResult<"scale-flowengine"> {
    const before = JSON.stringify(this.flowEngine);
    this.flowEngine = { replicas: p.replicas, hpaMin: p.hpaMin, hpaMax: p.hpaMax };
    const changed = JSON.stringify(this.flowEngine) !== before;
    return this.done(changed, `FlowEngine at ${p.replicas} replicas (HPA ${p.hpaMin}–${p.hpaMax}).`, { flowEngine: { ...this.flowEngine } });
  }

  protected dbInUse(): number {
    return Math.min(this.dbPoolSize, this.dbDemand());
  }

  protected setDbPool(p: ActionParams<"set-db-pool-size">): ApplyResult<"set-db-pool-size"> {
    const changed = this.dbPoolSize !== p.size;
    this.dbPoolSize = p.size;
    return this.done(changed, `DB connection pool set to ${p.size}.`, { dbPool: { size: this.dbPoolSize, inUse: this.dbInUse() } });
  }

  protected rotateKeys(p: ActionParams<"rotate-api-key">): ApplyResult<"rotate-api-key"> {
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

  protected quarantine(p: ActionParams<"quarantine-flow-output">): ApplyResult<"quarantine-flow-output"> {
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

  protected runFlow(p: ActionParams<"run-flow">): ApplyResult<"run-flow"> {
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

  protected requestQuota(p: ActionParams<"request-quota-increase">): ApplyResult<"request-quota-increase"> {
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
}
