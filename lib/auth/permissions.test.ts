import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AuthorizationError, PERMISSIONS, can, requirePermission, rolesFor } from "./permissions";
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
