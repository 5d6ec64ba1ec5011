import { describe, expect, it } from "vitest";
import type { TelemetrySnapshot } from "../control-plane/contract";
import { getRunbook } from "../runbooks";
import { procedure, step, testRunbook } from "./test-runbook";
import { providers } from "../telemetry/test-fixtures";
import { earliestStart, placeholderNameOf, prefillFor, rankProviders, type PrefillAlert } from "./prefill";

const outage = getRunbook("RB-CORE-004")!;
const telemetry = (over: Parameters<typeof providers>[0] = {}) => ({ providers: providers(over) }) as TelemetrySnapshot;
const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}, startsAt = "2026-11-29T03:00:00Z"): PrefillAlert => ({
  alertname: labels.alertname ?? "ProviderDown",
  labels,
  annotations,
  startsAt: new Date(startsAt),
});

describe("prefill from the incident's alerts", () => {
  it("takes provider from the alert's label and marks it as from the alert", () => {
    const p = prefillFor(outage, [alert({ alertname: "AnthropicDown", provider: "anthropic", runbook: "RB-CORE-004" })], null);
    expect(p.provider).toEqual({ value: "anthropic", source: "alert", detail: "label provider of AnthropicDown" });
    // Labels with no placeholder of that name propose nothing; without telemetry nothing else is proposed.
    expect(Object.keys(p)).toEqual(["provider"]);
  });

  it("matches snake_case and kebab-case names to camelCase placeholders, and falls back to annotations", () => {
    expect(placeholderNameOf("flow_id")).toBe("flowId");
    expect(placeholderNameOf("alternate-provider")).toBe("alternateProvider");
    expect(placeholderNameOf("repo")).toBe("repo");
    const p = prefillFor(outage, [alert({ alternate_provider: "google" }, { repo: "billing-api" })], null);
    expect(p.alternateProvider).toMatchObject({ value: "google", source: "alert" });
    expect(p.repo).toEqual({ value: "billing-api", source: "alert", detail: "annotation repo of ProviderDown" });
  });

  it("prefers a label to an annotation, and the earliest alert to later ones", () => {
    const later = alert({ alertname: "Later", provider: "google" }, {}, "2026-11-29T03:05:00Z");
    const earlier = alert({ alertname: "Earlier" }, { provider: "openai" }, "2026-11-29T02:55:00Z");
    expect(prefillFor(outage, [later, earlier], null).provider).toMatchObject({ value: "openai", detail: "annotation provider of Earlier" });
    const both = alert({ provider: "anthropic" }, { provider: "openai" });
    expect(prefillFor(outage, [both], null).provider.value).toBe("anthropic");
  });

  it("ignores empty, multi-line and over-long values", () => {
    const p = prefillFor(outage, [alert({ provider: "  " }, { repo: "a\nb" }), alert({ preIncidentWeights: "x".repeat(201) }, {}, "2026-11-29T03:01:00Z")], null);
    expect(p).toEqual({});
  });

  it("counts the run's clock from the earliest alert, else the fallback", () => {
    const fallback = new Date("2026-11-29T04:00:00Z");
    expect(earliestStart([alert({}, {}, "2026-11-29T03:10:00Z"), alert({}, {}, "2026-11-29T03:00:00Z")], fallback).toISOString()).toBe("2026-11-29T03:00:00.000Z");
    expect(earliestStart([], fallback)).toBe(fallback);
  });
});

describe("proposals from live telemetry, where the runbook says how", () => {
  it("proposes alternateProvider = the healthiest provider other than the alert's, marked as a telemetry proposal", () => {
    const t = telemetry({ anthropic: { status: "down", latencyMs: null, errorRate: 1 }, openai: { errorRate: 0.04 }, google: { errorRate: 0.01 } });
    const p = prefillFor(outage, [alert({ provider: "anthropic" })], t);
    expect(p.alternateProvider).toMatchObject({ value: "google", source: "telemetry" });
    expect(p.alternateProvider.detail).toMatch(/healthiest provider other than anthropic/);
  });

  it("never proposes a provider that is down, degraded before healthy ones aside, or behind an open breaker", () => {
    const t = telemetry({ anthropic: { status: "down", latencyMs: null }, openai: { breaker: "open", errorRate: 0 }, google: { status: "degraded", errorRate: 0.2 } });
    expect(prefillFor(outage, [alert({ provider: "anthropic" })], t).alternateProvider).toMatchObject({ value: "google" });
    const none = telemetry({ anthropic: { status: "down" }, openai: { status: "down" }, google: { breaker: "open" } });
    expect(prefillFor(outage, [alert({ provider: "anthropic" })], none).alternateProvider).toBeUndefined();
  });

  it("ranks up before degraded (latency over 60 s counts as degraded) before down, then by error rate", () => {
    const ranked = rankProviders(providers({ anthropic: { latencyMs: 61_000, errorRate: 0 }, openai: { errorRate: 0.05 }, google: { status: "down" } }).providers);
    expect(ranked.map((p) => p.provider)).toEqual(["openai", "anthropic", "google"]);
  });

  it("proposes secondProvider = another failed provider, and nothing when only the alert's provider failed", () => {
    const two = telemetry({ anthropic: { status: "down" }, google: { status: "down" } });
    expect(prefillFor(outage, [alert({ provider: "anthropic" })], two).secondProvider).toMatchObject({ value: "google", source: "telemetry" });
    const one = telemetry({ anthropic: { status: "down" } });
    expect(prefillFor(outage, [alert({ provider: "anthropic" })], one).secondProvider).toBeUndefined();
  });

  it("lets the alert's value win over a proposal, and proposes nothing for steps without a rule", () => {
    const t = telemetry({ anthropic: { status: "down" } });
    const p = prefillFor(outage, [alert({ provider: "anthropic", alternateProvider: "openai" })], t);
    expect(p.alternateProvider).toMatchObject({ value: "openai", source: "alert" });
    expect(p.repos).toBeUndefined();
    expect(p.preIncidentWeights).toBeUndefined();
  });

  it("refuses a runbook whose step proposes a name its action does not use, or an unknown rule", () => {
    const make = (propose: string) =>
      testRunbook(
        "RB-CORE-950",
        "Prefill Test",
        procedure(step("Fail over", { id: "failover", kind: "action", signoff: "[SRE]", minutes: 3, action: '{ name: failover-provider, params: { from: "{{provider}}", to: "{{alternateProvider}}" } }', propose: `{ ${propose} }` })),
      );
    const problems = (propose: string) => {
      try {
        make(propose);
        return "";
      } catch (e) {
        return (e as AggregateError).errors.map((x: Error) => x.message).join("; ");
      }
    };
    expect(problems("alternateProvider: healthiest-other-provider")).toBe("");
    expect(problems("target: healthiest-other-provider")).toMatch(/step "failover": field "propose": proposes "target", which is not a placeholder/);
    expect(problems("alternateProvider: cheapest-provider")).toMatch(/unknown proposal rule "cheapest-provider"/);
  });
});
