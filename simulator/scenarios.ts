/** Scenarios injected into the model (outages, rate limits, overload…), on top of its traffic. */
import { PROVIDERS } from "../lib/control-plane/contract";
import { type ActiveScenario, SECOND, type ScenarioInput, clamp, iso } from "./model-state";
import { TrafficModel } from "./traffic";

export class ScenarioModel extends TrafficModel {
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
}
