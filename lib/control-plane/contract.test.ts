import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRunbookDir } from "../runbooks/loader";
import { CONTROL_PLANE_ACTIONS, isCriticalAction } from "./actions";
import { ActionParamsError, actionParamsSchemas, parseActionParams, parseTokenCount, safeParseActionParams } from "./contract";
import { fillPlaceholders, listPlaceholders } from "./placeholders";
import { commandRequestHash } from "./request-hash";

/** What people type into the runbooks' "{{placeholders}}" at run time. */
const FILLED: Record<string, unknown> = {
  repo: "billing-api",
  repos: "billing-api, checkout-web, identity-service",
  provider: "OpenAI",
  alternateProvider: "Gemini",
  secondProvider: "anthropic",
  dailyTokens: "2.4M",
  preIncidentWeights: "anthropic=50, openai=30, google=20",
  exposureStart: "2025-11-20 09:30",
  phase: "Phase 6",
};

const actionSteps = loadRunbookDir(path.join(process.cwd(), "runbooks")).runbooks.flatMap((rb) =>
  rb.steps.filter((s) => s.action).map((s) => ({ where: `${rb.id} ${s.id}`, action: s.action!.name, params: s.action!.params })),
);

describe("action parameters in the runbooks", () => {
  it("covers every runbook action step (and uses most actions)", () => {
    expect(actionSteps.length).toBeGreaterThan(20);
    expect(new Set(actionSteps.map((s) => s.action)).size).toBeGreaterThanOrEqual(12);
  });

  it.each(actionSteps)("$where ($action) is valid once its placeholders are filled", ({ action, params }) => {
    for (const name of listPlaceholders(params)) expect(Object.keys(FILLED)).toContain(name);
    const filled = fillPlaceholders(params, FILLED);
    const result = safeParseActionParams(action, filled);
    expect(result.ok ? null : result.error.message).toBeNull();
  });

  it.each(actionSteps.filter((s) => listPlaceholders(s.params).length > 0))("$where ($action) is refused while a placeholder is unfilled", ({ action, params }) => {
    const result = safeParseActionParams(action, params);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/placeholder \{\{\w+\}\} is not filled in/);
  });

  it("normalises what people type into one canonical form", () => {
    expect(parseActionParams("throttle-repo", { repos: "billing-api, checkout-web billing-api", capacityPercent: "50" })).toEqual({
      repos: ["billing-api", "checkout-web"],
      capacityPercent: 50,
    });
    expect(parseActionParams("request-quota-increase", { urgency: "Emergency", requests: [{ provider: "Claude", dailyTokens: "2.4M" }] })).toEqual({
      urgency: "emergency",
      requests: [{ provider: "anthropic", dailyTokens: 2_400_000 }],
    });
    expect(parseActionParams("set-routing-weights", { weights: '{"Gemini": 100}' })).toEqual({ stage: "all", weights: { anthropic: 0, openai: 0, google: 100 } });
    expect(parseActionParams("set-routing-weights", { weights: "anthropic: 50%, openai 30, google=20" }).weights).toEqual({ anthropic: 50, openai: 30, google: 20 });
    expect(parseActionParams("quarantine-flow-output", { repo: "billing-api", since: "2025-11-20T10:30:00+01:00" }).since).toBe("2025-11-20T09:30:00.000Z");
    expect(parseActionParams("quarantine-flow-output", { repo: "billing-api", since: "2025-11-20" }).since).toBe("2025-11-20T00:00:00.000Z");
    expect(parseActionParams("set-allowlist", { add: ["docs-portal"], phase: "PHASE_7", dailyCapUsd: "$5" })).toEqual({ add: ["docs-portal"], phase: "phase7", dailyCapUsd: 5 });
    expect(parseActionParams("rotate-api-key", { providers: "anthropic, openai" })).toEqual({ providers: ["anthropic", "openai"], revokePrevious: true });
    expect(parseActionParams("rollback-to-pilot", {})).toEqual({ pilotRepo: "compliance-service" });
    expect(parseActionParams("set-context-pruning", { scope: "global", enabled: "yes" })).toEqual({ scope: "global", enabled: true });
    expect(parseTokenCount("2,000,000")).toBe(2_000_000);
    expect(parseTokenCount("500K")).toBe(500_000);
  });

  it("names every bad field, not only the first", () => {
    const cases: [string, unknown, string[]][] = [
      ["scale-flowengine", { replicas: 30, hpaMin: 5, hpaMax: 20 }, ["replicas"]],
      ["scale-flowengine", { replicas: "many", hpaMin: 0, hpaMax: 20 }, ["replicas", "hpaMin"]],
      ["failover-provider", { from: "openai", to: "OpenAI" }, ["to"]],
      ["failover-provider", { from: "azure", to: "google" }, ["from"]],
      ["throttle-repo", { repo: "a", repos: ["b"], dailyCapUsd: 5 }, ["repos"]],
      ["throttle-repo", { repos: ["b"] }, ["maxConcurrent"]],
      ["set-routing-weights", { weights: { anthropic: 50, openai: 30 } }, ["weights"]],
      ["set-circuit-breaker", { scope: "provider", state: "open" }, ["provider"]],
      ["set-retry-limit", { scope: "repo", maxAttempts: 2 }, ["repo"]],
      ["set-db-pool-size", { size: 200, extra: true }, [""]],
      ["request-quota-increase", { urgency: "planned", requests: [{ provider: "google", dailyTokens: 1e6 }, { provider: "Gemini", dailyTokens: 2e6 }] }, ["requests"]],
      ["quarantine-flow-output", { since: "2025-11-20" }, ["flowId", "since"]],
      ["run-flow", { repo: "../etc/passwd" }, ["repo"]],
    ];
    for (const [action, params, fields] of cases) {
      const result = safeParseActionParams(action, params);
      expect(result.ok, `${action} ${JSON.stringify(params)}`).toBe(false);
      if (!result.ok) expect(result.error.issues.map((i) => i.path).sort(), `${action} ${JSON.stringify(params)}`).toEqual([...fields].sort());
    }
  });

  it("throws ActionParamsError with field errors, and refuses unknown actions", () => {
    expect(() => parseActionParams("scale-flowengine", { replicas: 0, hpaMin: 1, hpaMax: 1 })).toThrow(ActionParamsError);
    try {
      parseActionParams("scale-flowengine", { replicas: 0, hpaMin: 1, hpaMax: 1 });
    } catch (e) {
      expect((e as ActionParamsError).fieldErrors).toHaveProperty("replicas");
    }
    expect(safeParseActionParams("delete-everything", {})).toMatchObject({ ok: false });
  });

  it("has a schema for exactly the 14 actions", () => {
    expect(Object.keys(actionParamsSchemas).sort()).toEqual([...CONTROL_PLANE_ACTIONS].sort());
  });
});

describe("request hash", () => {
  it("is the same for equivalent ways of writing a request and differs when anything changes", () => {
    const a = commandRequestHash("throttle-repo", { repos: ["billing-api", "checkout-web"], capacityPercent: 50 });
    expect(commandRequestHash("throttle-repo", { capacityPercent: "50", repos: "billing-api, checkout-web" })).toBe(a);
    expect(commandRequestHash("throttle-repo", { repos: ["billing-api", "checkout-web"], capacityPercent: 40 })).not.toBe(a);
    expect(commandRequestHash("throttle-repo", { repos: ["billing-api"], capacityPercent: 50 })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("critical actions on parsed parameters", () => {
  it("treats a typed list of repos as a mass throttle once parsed (call isCriticalAction on canonical params)", () => {
    const typed = { repos: "billing-api, checkout-web", capacityPercent: 50 };
    expect(isCriticalAction("throttle-repo", parseActionParams("throttle-repo", typed))).toBe(true);
    expect(isCriticalAction("throttle-repo", parseActionParams("throttle-repo", { repos: ["billing-api"], dailyCapUsd: 5 }))).toBe(false);
    expect(isCriticalAction("set-circuit-breaker", parseActionParams("set-circuit-breaker", { scope: "global", state: "open" }))).toBe(true);
  });
});

describe("placeholders", () => {
  it("fills whole-value placeholders with any value and inline ones with text; leaves unknown ones", () => {
    const params = { repos: "{{repos}}", note: "since {{start}} for {{who}}", nested: [{ p: "{{provider}}" }] };
    expect(listPlaceholders(params)).toEqual(["repos", "start", "who", "provider"]);
    expect(fillPlaceholders(params, { repos: ["a", "b"], start: "09:30", provider: "google" })).toEqual({
      repos: ["a", "b"],
      note: "since 09:30 for {{who}}",
      nested: [{ p: "google" }],
    });
  });
});
