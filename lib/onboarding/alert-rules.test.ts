import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadRunbookDir } from "../runbooks/loader";
import { alertRules, alertRulesYaml, checkAlertRuleRunbooks, checkGeneratedAlertRules, type RuleFile } from "./alert-rules";

const runbookIds = loadRunbookDir(path.resolve("runbooks")).runbooks.map((r) => r.id);

describe("alertRules", () => {
  const file = parse(alertRulesYaml({ repo: "payments-api", team: 'Pay: "core"', alertContacts: ["#pay"], portalUrl: "https://ops.example.com/" })) as RuleFile;
  const rules = file.groups[0].rules;

  it("labels each alert with the runbook that handles it", () => {
    expect(Object.fromEntries(rules.map((r) => [r.alert, r.labels.runbook]))).toEqual({
      OrchestratorFlowFailureRate: "RB-CORE-001",
      OrchestratorP95LatencyHigh: "RB-CORE-002",
      OrchestratorFlowTimeouts: "RB-CORE-002",
      OrchestratorRateLimited: "RB-CORE-003",
      OrchestratorRepoSpendOverCap: "RB-LAUNCH-004",
    });
    for (const r of rules) {
      expect(r.labels).toMatchObject({ repo: "payments-api", team: 'Pay: "core"' });
      expect(r.annotations.runbook_url).toBe(`https://ops.example.com/runbooks/${r.labels.runbook}`);
      expect(r.expr).toContain('repo="payments-api"');
    }
  });

  it("alerts on P95 over 120 s and spend over $5 a day", () => {
    expect(rules.find((r) => r.alert === "OrchestratorP95LatencyHigh")?.expr).toMatch(/histogram_quantile\(0\.95, .*\) > 120$/);
    expect(rules.find((r) => r.alert === "OrchestratorRepoSpendOverCap")?.expr).toMatch(/> 5$/);
  });

  it("keeps people's text out of Prometheus's template engine, showing it as typed", () => {
    const hostile = {
      team: 'Pay {{ query "up" | first | value }} {{{ $labels }}}',
      alertContacts: ["#pay", '{{ range query "up" }}{{ .Labels }}{{ end }}'],
      portalUrl: "https://ops.example.com/{{ .Value }}",
    };
    const rendered = (parse(alertRulesYaml({ repo: "payments-api", ...hostile })) as RuleFile).groups[0].rules;
    // Prometheus expands labels and annotations as Go templates: the only action allowed in what a person typed is
    // the literal {{ "{{" }}, which prints "{{".
    const literal = '{{ "{{" }}';
    const shown = (v: string) => v.replaceAll(literal, "{{");
    for (const r of rendered) {
      for (const v of [r.labels.team, r.annotations.contacts, r.annotations.runbook_url]) expect(v.replaceAll(literal, "")).not.toContain("{{");
      expect(shown(r.labels.team)).toBe(hostile.team);
      expect(shown(r.annotations.contacts)).toBe(hostile.alertContacts.join(", "));
      expect(shown(r.annotations.runbook_url)).toBe(`${hostile.portalUrl}/runbooks/${r.labels.runbook}`);
    }
    // The portal's own actions ({{ $value }}) still run.
    expect(rendered[0].annotations.description).toMatch(/^\{\{ \$value \| humanizePercentage \}\} of payments-api/);
  });

  it("quotes YAML so a team name cannot add keys, rules or documents", () => {
    const team = 'x\nseverity: none\n---\n- alert: Evil # "quoted" \'single\' \\ *ref &anchor !tag %dir @at `tick` | > ? : \t\u2028\u0085end ';
    const text = alertRulesYaml({ repo: "payments-api", team, alertContacts: ["#pay: {a: 1}", "- [x]"] });
    const file = parse(text) as RuleFile;
    expect(file.groups).toHaveLength(1);
    expect(file.groups[0].rules).toHaveLength(5);
    for (const r of file.groups[0].rules) {
      expect(Object.keys(r.labels)).toEqual(["severity", "repo", "team", "runbook"]);
      expect(r.labels.severity).not.toBe("none");
      expect(r.labels.team).toBe(team);
      expect(r.annotations.contacts).toBe("#pay: {a: 1}, - [x]");
    }
  });

  it("refuses a name that is not a repository name (it would break the selectors)", () => {
    expect(() => alertRules({ repo: 'a"} or vector(1)' })).toThrow(/Not a repository name/);
  });
});

describe("checkAlertRuleRunbooks", () => {
  it("passes the generated rules against the runbooks in runbooks/", () => {
    expect(runbookIds).toContain("RB-LAUNCH-004");
    expect(checkGeneratedAlertRules(runbookIds)).toEqual([]);
  });

  it("fails when a rule names a runbook that does not exist", () => {
    const file = alertRules({ repo: "payments-api" });
    file.groups[0].rules[2].labels.runbook = "RB-CORE-099";
    file.groups[0].rules[2].annotations.runbook_url = "/runbooks/RB-CORE-099";
    expect(checkAlertRuleRunbooks(stringify(file), runbookIds)).toEqual(["rule OrchestratorFlowTimeouts names runbook RB-CORE-099, which does not exist"]);
  });

  it("fails when the runbooks the rules need are missing from the index", () => {
    const problems = checkGeneratedAlertRules(runbookIds.filter((id) => id !== "RB-LAUNCH-004"));
    expect(problems).toEqual(["rule OrchestratorRepoSpendOverCap names runbook RB-LAUNCH-004, which does not exist"]);
  });

  it("fails on a rule without a runbook label, a runbook_url pointing elsewhere, and a file that is not rules", () => {
    const file = alertRules({ repo: "payments-api" });
    delete (file.groups[0].rules[0].labels as Record<string, string>).runbook;
    file.groups[0].rules[1].annotations.runbook_url = "/runbooks/RB-CORE-001";
    expect(checkAlertRuleRunbooks(stringify(file), runbookIds)).toEqual([
      "rule OrchestratorFlowFailureRate has no runbook label",
      "rule OrchestratorP95LatencyHigh: runbook_url /runbooks/RB-CORE-001 does not point at RB-CORE-002",
    ]);
    expect(checkAlertRuleRunbooks("groups: [", runbookIds)[0]).toMatch(/not valid YAML/);
    expect(checkAlertRuleRunbooks("foo: 1", runbookIds)).toEqual(["no rule groups"]);
  });
});
