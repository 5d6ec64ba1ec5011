import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AuthorizationError, PERMISSIONS, can, requirePermission } from "./permissions";
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

  it("requirePermission throws a coded refusal", () => {
    expect(() => requirePermission({ id: "x", email: "e", name: "n", roles: ["PRODUCT"] }, "run.start")).toThrow(AuthorizationError);
    expect(() => requirePermission({ id: "x", email: "e", name: "n", roles: ["SRE"] }, "run.start")).not.toThrow();
  });
});
