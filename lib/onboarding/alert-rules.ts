/**
 * Prometheus alert rules for one onboarded repo (RB-LAUNCH-001 step 8). Every rule carries a `runbook` label naming
 * the runbook that handles it (the seed: "all alerts include a runbook: RB-XXX-YYY label"), and a runbook_url
 * annotation pointing at the portal. `checkAlertRuleRunbooks` refuses rules that name a runbook that does not exist.
 *
 * Prometheus expands every label and annotation value as a Go template, so text a person typed (team, alert
 * contacts, the portal URL taken from the request) could run template actions such as `{{ query "…" }}`. That text
 * goes through `templateLiteral`, which writes each `{{` as the action `{{ "{{" }}` (it prints `{{`): nothing else
 * the person typed can open an action, and alerts show the text exactly as typed. The repo name needs no escaping
 * (REPO_NAME_PATTERN has no braces). The YAML library quotes every value, so no text can add keys or documents.
 */
import { parse, stringify } from "yaml";
import { REPO_DAILY_LIMIT_USD } from "./impact";
import { REPO_NAME_PATTERN } from "./workflow";

/** The orchestrator's metrics the rules read (labels: repo, status, error_type, le). */
export const METRICS = {
  flows: "orchestrator_flows_total",
  duration: "orchestrator_flow_duration_seconds_bucket",
  spendToday: "orchestrator_repo_spend_usd_today",
} as const;

/** Which runbook handles which alert. */
export const ALERT_RUNBOOKS = {
  OrchestratorFlowFailureRate: "RB-CORE-001",
  OrchestratorP95LatencyHigh: "RB-CORE-002",
  OrchestratorFlowTimeouts: "RB-CORE-002",
  OrchestratorRateLimited: "RB-CORE-003",
  OrchestratorRepoSpendOverCap: "RB-LAUNCH-004",
} as const;

export type AlertRule = {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};
export type RuleFile = { groups: { name: string; interval?: string; rules: AlertRule[] }[] };

export type AlertRulesInput = {
  repo: string;
  team?: string;
  /** Where people and Alertmanager receivers are told to look (shown in an annotation, not used for routing). */
  alertContacts?: string[];
  /** The portal's origin, e.g. https://ops.example.com; runbook links are relative without it. */
  portalUrl?: string;
};

/** `text` as a Go template that prints it unchanged (see the module comment). */
export function templateLiteral(text: string): string {
  return text.replaceAll("{{", '{{ "{{" }}');
}

export function alertRulesFileName(repo: string): string {
  return `${repo}-orchestrator.rules.yml`;
}

/** The rule file as data (see alertRulesYaml for the text). */
export function alertRules(input: AlertRulesInput): RuleFile {
  const { repo } = input;
  if (!REPO_NAME_PATTERN.test(repo)) throw new Error(`Not a repository name: ${JSON.stringify(repo)}`);
  const sel = (extra = "") => `{repo="${repo}"${extra}}`;
  const base = (input.portalUrl ?? "").replace(/\/+$/, "");
  const labels = (runbook: string, severity: string) => ({ severity, repo, ...(input.team ? { team: templateLiteral(input.team) } : {}), runbook });
  const annotations = (runbook: string, summary: string, description: string) => ({
    summary,
    description,
    runbook_url: templateLiteral(`${base}/runbooks/${runbook}`),
    ...(input.alertContacts?.length ? { contacts: templateLiteral(input.alertContacts.join(", ")) } : {}),
  });
  const rules: AlertRule[] = [
    {
      alert: "OrchestratorFlowFailureRate",
      expr: `sum(increase(${METRICS.flows}${sel(',status="failed"')}[1h])) / clamp_min(sum(increase(${METRICS.flows}${sel()}[1h])), 1) > 0`,
      labels: labels(ALERT_RUNBOOKS.OrchestratorFlowFailureRate, "warning"),
      annotations: annotations(
        ALERT_RUNBOOKS.OrchestratorFlowFailureRate,
        `Flows of ${repo} are failing`,
        `{{ $value | humanizePercentage }} of ${repo}'s flows failed in the last hour. Follow RB-CORE-001 (Flow Failure Response).`,
      ),
    },
    {
      alert: "OrchestratorP95LatencyHigh",
      expr: `histogram_quantile(0.95, sum by (le) (rate(${METRICS.duration}${sel()}[30m]))) > 120`,
      for: "10m",
      labels: labels(ALERT_RUNBOOKS.OrchestratorP95LatencyHigh, "warning"),
      annotations: annotations(
        ALERT_RUNBOOKS.OrchestratorP95LatencyHigh,
        `P95 Latency SLO Violation: ${repo}`,
        `P95 flow duration of ${repo} is {{ $value | humanizeDuration }} (SLO 120 s). Follow RB-CORE-002 (Timeout Recovery).`,
      ),
    },
    {
      alert: "OrchestratorFlowTimeouts",
      expr: `sum(increase(${METRICS.flows}${sel(',error_type="timeout"')}[30m])) > 0`,
      labels: labels(ALERT_RUNBOOKS.OrchestratorFlowTimeouts, "warning"),
      annotations: annotations(
        ALERT_RUNBOOKS.OrchestratorFlowTimeouts,
        `Flows of ${repo} hit the 180 s hard timeout`,
        `{{ $value }} flows of ${repo} were terminated at 180 s in the last 30 minutes. Follow RB-CORE-002 (Timeout Recovery).`,
      ),
    },
    {
      alert: "OrchestratorRateLimited",
      expr: `sum(increase(${METRICS.flows}${sel(',error_type="429"')}[15m])) > 0`,
      labels: labels(ALERT_RUNBOOKS.OrchestratorRateLimited, "critical"),
      annotations: annotations(
        ALERT_RUNBOOKS.OrchestratorRateLimited,
        `Flows of ${repo} are rate limited (429)`,
        `{{ $value }} flows of ${repo} failed with 429 in the last 15 minutes (quota or rate limit). Follow RB-CORE-003 (Rate Limit Exhaustion).`,
      ),
    },
    {
      alert: "OrchestratorRepoSpendOverCap",
      expr: `sum(${METRICS.spendToday}${sel()}) > ${REPO_DAILY_LIMIT_USD}`,
      labels: labels(ALERT_RUNBOOKS.OrchestratorRepoSpendOverCap, "warning"),
      annotations: annotations(
        ALERT_RUNBOOKS.OrchestratorRepoSpendOverCap,
        `${repo} spent over $${REPO_DAILY_LIMIT_USD} today`,
        `${repo} has spent \${{ $value | printf "%.2f" }} today, over its $${REPO_DAILY_LIMIT_USD}/day limit. Follow RB-LAUNCH-004 (Budget Breach).`,
      ),
    },
  ];
  return { groups: [{ name: `orchestrator-repo-${repo}`, interval: "1m", rules }] };
}

/** The rule file as Prometheus YAML, with a header saying where it came from. */
export function alertRulesYaml(input: AlertRulesInput): string {
  const header = `# Prometheus alert rules for ${input.repo} — generated by the Ops Portal (RB-LAUNCH-001, monitoring alerts).\n# Each rule's "runbook" label names the runbook to follow. Check with: promtool check rules <this file>\n`;
  return header + stringify(alertRules(input), { lineWidth: 0 });
}

/**
 * Problems with a rule file's runbook labels: a rule without a `runbook` label, one naming a runbook not in
 * `knownRunbookIds`, or a runbook_url that points elsewhere. An empty list means every rule leads to a real runbook.
 */
export function checkAlertRuleRunbooks(yamlText: string, knownRunbookIds: Iterable<string>): string[] {
  const known = new Set(knownRunbookIds);
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (e) {
    return [`not valid YAML: ${(e as Error).message}`];
  }
  type LooseRule = { alert?: unknown; labels?: Record<string, unknown>; annotations?: Record<string, unknown> } | null;
  const groups = (doc as { groups?: { rules?: LooseRule[] }[] } | null)?.groups;
  if (!Array.isArray(groups) || groups.length === 0) return ["no rule groups"];
  const problems: string[] = [];
  for (const group of groups) {
    for (const rule of Array.isArray(group?.rules) ? group.rules : []) {
      // Recording rules have no runbook; only alerts page people.
      if (typeof rule?.alert !== "string") continue;
      const name = rule.alert;
      const runbook = typeof rule.labels?.runbook === "string" ? rule.labels.runbook : null;
      if (!runbook) {
        problems.push(`rule ${name} has no runbook label`);
        continue;
      }
      if (!known.has(runbook)) problems.push(`rule ${name} names runbook ${runbook}, which does not exist`);
      const url = rule.annotations?.runbook_url;
      if (typeof url === "string" && !url.endsWith(`/runbooks/${runbook}`)) problems.push(`rule ${name}: runbook_url ${url} does not point at ${runbook}`);
    }
  }
  return problems;
}

/** The repo `npm run runbooks:check` generates rules for. */
export const SAMPLE_REPO = "sample-repo";

/** Generates the rules for a sample repo and checks their runbook labels (what `npm run runbooks:check` runs). */
export function checkGeneratedAlertRules(knownRunbookIds: Iterable<string>, input: AlertRulesInput = { repo: SAMPLE_REPO, team: "Sample team", alertContacts: ["#sample-alerts"] }): string[] {
  return checkAlertRuleRunbooks(alertRulesYaml(input), knownRunbookIds);
}
