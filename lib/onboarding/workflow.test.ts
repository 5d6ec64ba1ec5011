import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { githubWorkflowYaml, workflowFileName } from "./workflow";

type Step = { name: string; run?: string; env?: Record<string, string> };
type Workflow = { name: string; on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { "runs-on": string; env: Record<string, string>; steps: Step[] }> };

describe("githubWorkflowYaml", () => {
  const text = githubWorkflowYaml("payments-api");
  const wf = parse(text) as Workflow;

  it("is valid YAML with a job that starts the repo's flow and checks its gates", () => {
    expect(wf.name).toBe("Orchestrator flow");
    expect(Object.keys(wf.on)).toEqual(["pull_request", "push", "workflow_dispatch"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    const job = wf.jobs["orchestrator-flow"];
    expect(job["runs-on"]).toBe("ubuntu-latest");
    expect(job.env.ORCHESTRATOR_REPO).toBe("payments-api");
    expect(job.steps.map((s) => s.name)).toEqual(["Start the flow", "Wait for the flow and check its quality gates"]);
    expect(job.steps[0].run).toContain('-X POST "$ORCHESTRATOR_URL/v1/actions/run-flow"');
    expect(job.steps[0].run).toContain("Idempotency-Key: $IDEMPOTENCY_KEY");
    expect(job.steps[1].run).toContain('"$ORCHESTRATOR_URL/v1/telemetry/flows/$FLOW_ID"');
    expect(job.steps[1].run).toMatch(/"\$gates" != "\$total"/);
  });

  it("references the token as a secret and holds no key", () => {
    const job = wf.jobs["orchestrator-flow"];
    for (const step of job.steps) expect(step.env?.ORCHESTRATOR_TOKEN).toBe("${{ secrets.ORCHESTRATOR_TOKEN }}");
    expect(job.env.ORCHESTRATOR_URL).toBe("${{ vars.ORCHESTRATOR_URL }}");
    expect(text).not.toMatch(/sk-|AIza|Bearer [A-Za-z0-9]/);
  });

  it("refuses a name that is not a repository name, and names the file after the repo", () => {
    expect(() => githubWorkflowYaml('x"; rm -rf /')).toThrow(/Not a repository name/);
    expect(workflowFileName("payments-api")).toBe("orchestrator-payments-api.yml");
  });
});
