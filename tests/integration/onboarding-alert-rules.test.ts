/**
 * The generated alert rules in a real Prometheus: `promtool check rules` loads them, and `promtool test rules`
 * evaluates them against synthetic series (each alert fires with the runbook label that handles it). promtool comes
 * from Debian's `prometheus` package; without it this file is skipped locally, never under CI.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { alertRules, alertRulesYaml, type AlertRule } from "@/lib/onboarding/alert-rules";

const hasPromtool = spawnSync("promtool", ["--version"], { encoding: "utf8" }).status === 0;
const skip = !hasPromtool && !process.env.CI;
if (skip) console.warn("onboarding-alert-rules: promtool is not installed, so the Prometheus rule checks are skipped (apt-get install prometheus). Under CI they run.");

const dir = mkdtempSync(path.join(tmpdir(), "onboarding-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = { repo: "payments-api", team: "Payments", alertContacts: ["#payments-alerts", "rui.costa@ops.example"], portalUrl: "https://ops.example.com" };

function promtool(...args: string[]) {
  const r = spawnSync("promtool", args, { encoding: "utf8", cwd: dir, timeout: 60_000 });
  if (r.error) throw new Error(`promtool could not run (${r.error.message}): install Debian's prometheus package`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** What Alertmanager would receive: the rule's labels plus alertname, its annotations with the value filled in. */
function expected(rule: AlertRule, value: string) {
  const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, v.replace(/\{\{ \$value[^}]*\}\}/g, value)]));
  return { exp_labels: rule.labels, exp_annotations: annotations };
}

describe.skipIf(skip)("generated alert rules in Prometheus (promtool)", () => {
  it("load: promtool check rules accepts the file", () => {
    const file = path.join(dir, "rules.yml");
    writeFileSync(file, alertRulesYaml(input));
    const r = promtool("check", "rules", file);
    expect(r.output).toContain("SUCCESS: 5 rules found");
    expect(r.status).toBe(0);
  });

  it("refuse a broken rule (the check can fail)", () => {
    const file = path.join(dir, "broken.yml");
    const broken = alertRules(input);
    broken.groups[0].rules[0].expr = "sum(rate(orchestrator_flows_total[1h]) >";
    writeFileSync(file, stringify(broken));
    const r = promtool("check", "rules", file);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/FAILED|parse error/i);
  });

  it("fire with their runbook labels: failures → RB-CORE-001, spend over $5 → RB-LAUNCH-004, nothing under the cap", () => {
    writeFileSync(path.join(dir, "rules.yml"), alertRulesYaml(input));
    const rules = alertRules(input).groups[0].rules;
    const rule = (name: string) => rules.find((r) => r.alert === name)!;
    const tests = {
      rule_files: ["rules.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: 'orchestrator_flows_total{repo="payments-api",status="failed"}', values: "0+1x60" },
            { series: 'orchestrator_repo_spend_usd_today{repo="payments-api"}', values: "4+0.1x60" },
          ],
          alert_rule_test: [
            { eval_time: "30m", alertname: "OrchestratorFlowFailureRate", exp_alerts: [expected(rule("OrchestratorFlowFailureRate"), "100%")] },
            { eval_time: "30m", alertname: "OrchestratorRepoSpendOverCap", exp_alerts: [expected(rule("OrchestratorRepoSpendOverCap"), "7.00")] },
            { eval_time: "5m", alertname: "OrchestratorRepoSpendOverCap", exp_alerts: [] },
            { eval_time: "30m", alertname: "OrchestratorRateLimited", exp_alerts: [] },
          ],
        },
      ],
    };
    expect(rule("OrchestratorFlowFailureRate").labels.runbook).toBe("RB-CORE-001");
    expect(rule("OrchestratorRepoSpendOverCap").labels.runbook).toBe("RB-LAUNCH-004");
    writeFileSync(path.join(dir, "rules.test.yml"), stringify(tests));
    const r = promtool("test", "rules", "rules.test.yml");
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("show a hostile team name, contacts and portal URL as typed: no template action in them runs", () => {
    const hostile = {
      ...input,
      team: 'Pay {{ query "orchestrator_flows_total" | first | value }} {{{ $labels }}}',
      alertContacts: ['{{ range query "up" }}{{ .Labels }}{{ end }}', "#pay"],
      portalUrl: "https://ops.example.com/{{ .Value }}",
    };
    writeFileSync(path.join(dir, "hostile.yml"), alertRulesYaml(hostile));
    const check = promtool("check", "rules", "hostile.yml");
    expect(check.output).toContain("SUCCESS: 5 rules found");
    expect(check.status).toBe(0);

    const rule = alertRules(hostile).groups[0].rules.find((r) => r.alert === "OrchestratorFlowFailureRate")!;
    const tests = {
      rule_files: ["hostile.yml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [{ series: 'orchestrator_flows_total{repo="payments-api",status="failed"}', values: "0+1x60" }],
          alert_rule_test: [
            {
              eval_time: "30m",
              alertname: "OrchestratorFlowFailureRate",
              exp_alerts: [
                {
                  exp_labels: { ...rule.labels, team: hostile.team },
                  exp_annotations: {
                    ...expected(rule, "100%").exp_annotations,
                    contacts: hostile.alertContacts.join(", "),
                    runbook_url: "https://ops.example.com/{{ .Value }}/runbooks/RB-CORE-001",
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(path.join(dir, "hostile.test.yml"), stringify(tests));
    const r = promtool("test", "rules", "hostile.test.yml");
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});
