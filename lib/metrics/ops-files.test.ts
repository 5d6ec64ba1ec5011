/**
 * The shipped Grafana dashboard and Prometheus rules refer only to metrics the portal exports (a renamed metric
 * would otherwise leave an empty panel or an alert that can never fire). promtool checks and tests the rules in
 * tests/integration/ops-prometheus-rules.test.ts.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { portalMetrics } from "./registry";
import { ISSUE_METRICS } from "./test-fixtures";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Every metric name the registry exports, with the series names a histogram adds. */
async function exported(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const m of await portalMetrics().registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(m.name + suffix);
  }
  return names;
}

const referenced = (expr: string) => expr.match(/\bportal_[a-z0-9_]+/g) ?? [];

type Panel = { title?: string; type: string; targets?: { expr: string }[]; panels?: Panel[] };

describe("ops files refer to real metrics", () => {
  it("every Grafana panel has a query, and each query names only exported metrics", async () => {
    const dashboard = JSON.parse(readFileSync(path.join(ROOT, "ops/grafana/portal-dashboard.json"), "utf8")) as { panels: Panel[]; uid: string; title: string };
    expect(dashboard.uid).toBe("orchestrator-ops-portal");
    const names = await exported();
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== "row");
    expect(panels.length).toBeGreaterThanOrEqual(15);
    const unknown: string[] = [];
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(referenced(t.expr).length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
        for (const n of referenced(t.expr)) if (!names.has(n)) unknown.push(`${p.title}: ${n}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("the dashboard covers every portal metric the issue names", async () => {
    const text = readFileSync(path.join(ROOT, "ops/grafana/portal-dashboard.json"), "utf8");
    for (const name of ISSUE_METRICS) {
      expect(text, name).toMatch(new RegExp(`\\b${name}(_bucket|_count|_sum)?\\b`));
    }
  });

  it("every alert rule's expression names only exported metrics", async () => {
    const rules = parse(readFileSync(path.join(ROOT, "ops/prometheus/portal-rules.yml"), "utf8")) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const names = await exported();
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.map((r) => r.alert)).toEqual(expect.arrayContaining(["PortalOutboxStuck", "PortalAuditChainVerificationFailed", "PortalControlPlaneDown", "PortalNoRelayLeader"]));
    for (const r of all) for (const n of referenced(r.expr)) expect(names.has(n), `${r.alert}: ${n}`).toBe(true);
  });
});
