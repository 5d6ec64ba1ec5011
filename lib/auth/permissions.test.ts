import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AuthorizationError, PERMISSIONS, can, holdsOneOf, mayStartRunbook, mayWorkOnRun, requirePermission, roleAmong, rolesFor } from "./permissions";
import { ROLES, ROLE_LABELS } from "./roles";

describe("roles", () => {
  it("match the Role enum in prisma/schema.prisma", () => {
    const schema = readFileSync("prisma/schema.prisma", "utf8");
    const body = /enum Role \{([^}]*)\}/.exec(schema)?.[1] ?? "";
    expect(body.split(/\s+/).filter(Boolean)).toEqual([...ROLES]);
    expect(Object.keys(ROLE_LABELS)).toEqual([...ROLES]);
  });
});

describe("permission table", () => {
  it("names only known roles", () => {
    for (const roles of Object.values(PERMISSIONS)) for (const r of roles) expect(ROLES).toContain(r);
  });

  it("lets SREs start runs and refuses repo owners, auditors and anonymous callers", () => {
    expect(can({ roles: ["SRE"] }, "run.start")).toBe(true);
    expect(can({ roles: ["REPO_OWNER"] }, "run.start")).toBe(false);
    expect(can({ roles: ["AUDITOR"] }, "run.start")).toBe(false);
    expect(can(null, "run.view")).toBe(false);
  });

  it("keeps skipping steps and aborting runs to the incident commander", () => {
    for (const r of ROLES) expect(can({ roles: [r] }, "run.step.skip")).toBe(r === "INCIDENT_COMMANDER");
  });

  it("shows the whole audit log only to auditors, InfoSec and incident commanders", () => {
    expect(ROLES.filter((r) => can({ roles: [r] }, "audit.view.all")).sort()).toEqual(["AUDITOR", "INCIDENT_COMMANDER", "INFOSEC"]);
  });

  it("allows a person holding several roles when any one of them is allowed", () => {
    expect(can({ roles: ["AUDITOR", "SRE"] }, "run.start")).toBe(true);
    expect(can({ roles: ["AUDITOR", "REPO_OWNER"] }, "run.start")).toBe(false);
    expect(can({ roles: [] }, "run.view")).toBe(false);
  });

  it("rolesFor lists exactly the roles the table allows", () => {
    expect(rolesFor("run.abort")).toEqual(["INCIDENT_COMMANDER"]);
    expect(rolesFor("onboarding.request")).toEqual(["REPO_OWNER", "SRE"]);
  });

  it("requirePermission throws a coded refusal naming the permission, with a generic message", () => {
    expect(() => requirePermission({ id: "x", email: "e", name: "n", roles: ["PRODUCT"] }, "run.start")).toThrow(AuthorizationError);
    expect(() => requirePermission({ id: "x", email: "e", name: "n", roles: ["SRE"] }, "run.start")).not.toThrow();
    expect(() => requirePermission(null, "run.view")).toThrow(AuthorizationError);
    const error = (() => {
      try {
        requirePermission({ id: "x", email: "e", name: "n", roles: ["PRODUCT"] }, "run.start");
      } catch (e) {
        return e as AuthorizationError;
      }
    })();
    expect(error?.name).toBe("AuthorizationError");
    expect(error?.code).toBe("FORBIDDEN");
    expect(error?.permission).toBe("run.start");
    expect(error?.message).toBe("You do not have permission to do this.");
  });
});

describe("mayWorkOnRun (evidence, escalation and the RCA of one run)", () => {
  // RB-CORE-004's steps are signed by SRE and the incident commander; RB-CORE-001's also by repo owners.
  const core004 = ["SRE", "INCIDENT_COMMANDER"] as const;
  const core001 = ["SRE", "REPO_OWNER"] as const;

  it("lets people whose role signs one of the run's steps work on it, and nobody else but the incident commander", () => {
    expect(mayWorkOnRun({ roles: ["SRE"] }, core004)).toBe(true);
    expect(mayWorkOnRun({ roles: ["REPO_OWNER"] }, core004)).toBe(false);
    expect(mayWorkOnRun({ roles: ["REPO_OWNER"] }, core001)).toBe(true);
    expect(mayWorkOnRun({ roles: ["BUSINESS"] }, core001)).toBe(false);
    expect(mayWorkOnRun({ roles: ["PRODUCT"] }, core004)).toBe(false);
  });

  it("lets the incident commander (run.manage.any) work on any run, even one whose steps they do not sign", () => {
    for (const r of ROLES) expect(mayWorkOnRun({ roles: [r] }, [])).toBe(r === "INCIDENT_COMMANDER");
    expect(mayWorkOnRun({ roles: ["INCIDENT_COMMANDER"] }, core001)).toBe(true);
    expect(rolesFor("run.manage.any")).toEqual(["INCIDENT_COMMANDER"]);
  });

  it("needs the sign-off permission too: a role listed by a runbook but not allowed to sign off anything is refused", () => {
    expect(mayWorkOnRun({ roles: ["AUDITOR"] }, ["AUDITOR"])).toBe(false);
    expect(mayWorkOnRun({ roles: ["AUDITOR", "SRE"] }, core004)).toBe(true);
  });

  it("refuses nobody signed in and people without roles", () => {
    expect(mayWorkOnRun(null, core004)).toBe(false);
    expect(mayWorkOnRun(undefined, core004)).toBe(false);
    expect(mayWorkOnRun({ roles: [] }, core004)).toBe(false);
  });
});

describe("roles that come from runbook data (holdsOneOf, roleAmong, mayStartRunbook)", () => {
  it("holdsOneOf: some role in common; nobody and an empty list hold none", () => {
    expect(holdsOneOf({ roles: ["SRE", "AUDITOR"] }, ["AUDITOR"])).toBe(true);
    expect(holdsOneOf({ roles: ["SRE"] }, ["INCIDENT_COMMANDER", "INFOSEC"])).toBe(false);
    expect(holdsOneOf({ roles: ["SRE"] }, [])).toBe(false);
    expect(holdsOneOf({ roles: [] }, ["SRE"])).toBe(false);
    expect(holdsOneOf(null, ["SRE"])).toBe(false);
    expect(holdsOneOf(undefined, ["SRE"])).toBe(false);
  });

  it("roleAmong: the person's first role that the step accepts, in the person's order, or null", () => {
    expect(roleAmong({ roles: ["INFOSEC", "SRE"] }, ["SRE", "INFOSEC"])).toBe("INFOSEC");
    expect(roleAmong({ roles: ["REPO_OWNER", "SRE"] }, ["SRE"])).toBe("SRE");
    expect(roleAmong({ roles: ["REPO_OWNER"] }, ["SRE"])).toBeNull();
  });

  it("mayStartRunbook: needs run.start from the table AND one of the runbook's start roles", () => {
    expect(mayStartRunbook({ roles: ["SRE"] }, ["SRE", "INCIDENT_COMMANDER"])).toBe(true);
    expect(mayStartRunbook({ roles: ["SRE"] }, ["INCIDENT_COMMANDER"])).toBe(false);
    // A start role without run.start (a runbook listing a role the table does not let start runs) is not enough.
    expect(mayStartRunbook({ roles: ["REPO_OWNER"] }, ["REPO_OWNER"])).toBe(false);
    expect(mayStartRunbook(null, ["SRE"])).toBe(false);
  });

  it("reopening an incident is the incident commander's alone", () => {
    for (const r of ROLES) expect(can({ roles: [r] }, "incident.reopen")).toBe(r === "INCIDENT_COMMANDER");
  });
});
