import { describe, expect, it } from "vitest";
import { AuthorizationError } from "../auth/permissions";
import type { Actor, Role } from "../auth/roles";
import { requireRunWork, runWorkRefusal, signOffRoles } from "./ownership";

const person = (...roles: Role[]): Actor => ({ id: "p", email: "p@ops.example", name: "P", roles });
const runbook = (id: string, ...steps: Role[][]) => ({ id, steps: steps.map((signoff) => ({ signoff })) }) as unknown as Parameters<typeof requireRunWork>[1];

describe("signOffRoles", () => {
  it("is the union of the steps' sign-off roles, each once, in the order of the role list", () => {
    expect(signOffRoles(runbook("RB-CORE-004", ["SRE"], ["INCIDENT_COMMANDER", "SRE"], ["SRE"]))).toEqual(["SRE", "INCIDENT_COMMANDER"]);
    expect(signOffRoles(runbook("RB-LAUNCH-001", ["REPO_OWNER", "SRE"], ["PRODUCT"]))).toEqual(["SRE", "PRODUCT", "REPO_OWNER"]);
  });
});

describe("runWorkRefusal and requireRunWork", () => {
  const core004 = runbook("RB-CORE-004", ["SRE"], ["INCIDENT_COMMANDER", "SRE"]);

  it("names the runbook, the roles that sign its steps and who else may", () => {
    expect(runWorkRefusal(person("REPO_OWNER"), { runbookId: "RB-CORE-004", signOffRoles: ["SRE", "INCIDENT_COMMANDER"] }, "add evidence to this run")).toBe(
      "Only people who sign RB-CORE-004's steps (SRE, Incident commander) or the incident commander may add evidence to this run.",
    );
    expect(runWorkRefusal(person("SRE"), { runbookId: "RB-CORE-004", signOffRoles: ["SRE"] }, "escalate this run")).toBeNull();
  });

  it("throws an AuthorizationError carrying the reason, so the wrapper audits the refusal", () => {
    expect(() => requireRunWork(person("SRE"), core004, "escalate this run")).not.toThrow();
    expect(() => requireRunWork(person("INCIDENT_COMMANDER"), runbook("RB-CORE-001", ["SRE"], ["SRE", "REPO_OWNER"]), "escalate this run")).not.toThrow();
    let error: unknown;
    try {
      requireRunWork(person("BUSINESS"), core004, "edit this run's RCA");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthorizationError);
    expect(error).toMatchObject({ permission: "run.manage.any", message: "Only people who sign RB-CORE-004's steps (SRE, Incident commander) or the incident commander may edit this run's RCA." });
  });
});
