import { describe, expect, it } from "vitest";
import { ROLES } from "../auth/roles";
import { PRIVILEGED_ROLES, grantedSets, isPrivileged, planDecision, planGrant, planRevoke, planSetDisabled, refuseSelf, roleSources, splitNewRoles, type AccessTarget, type GrantRequest } from "./rules";

const omar = "omar"; // administrator who requests
const mei = "mei"; // second administrator
const nia: AccessTarget = { id: "nia", name: "Nia Obi", roles: ["SRE"], idpRoles: [], blockedRoles: [], disabled: false };
const request = (over: Partial<GrantRequest> = {}): GrantRequest => ({ personId: nia.id, role: "AUDITOR", requestedById: omar, status: "PENDING", ...over });

describe("privileged roles", () => {
  it("are exactly Auditor, InfoSec and Incident commander", () => {
    expect([...PRIVILEGED_ROLES].sort()).toEqual(["AUDITOR", "INCIDENT_COMMANDER", "INFOSEC"]);
    expect(ROLES.filter(isPrivileged).sort()).toEqual(["AUDITOR", "INCIDENT_COMMANDER", "INFOSEC"]);
  });

  it("split a new person's roles: ordinary ones now, privileged ones requested (in role order, once each)", () => {
    expect(splitNewRoles(["AUDITOR", "SRE", "PRODUCT", "SRE", "INFOSEC"])).toEqual({ now: ["SRE", "PRODUCT"], requested: ["INFOSEC", "AUDITOR"] });
    expect(splitNewRoles([])).toEqual({ now: [], requested: [] });
  });
});

describe("nobody changes their own access", () => {
  it("refuses granting, revoking, disabling and enabling oneself, with a message that says who can", () => {
    const me: AccessTarget = { ...nia, id: omar, roles: ["INFOSEC"] };
    for (const plan of [planGrant(omar, me, "AUDITOR", false), planGrant(omar, me, "SRE", false), planRevoke(omar, me, "INFOSEC"), planSetDisabled(omar, me, true), planSetDisabled(omar, { ...me, disabled: true }, false)]) {
      expect(plan).toMatchObject({ ok: false, code: "FORBIDDEN" });
      if (!plan.ok) expect(plan.message).toMatch(/yourself: another administrator must do it/);
    }
    expect(refuseSelf(omar, { id: mei }, "disable")).toBeNull();
  });

  it("refuses deciding a request about oneself, approve or reject", () => {
    for (const d of ["approve", "reject"] as const) {
      expect(planDecision(nia.id, request(), nia, d)).toMatchObject({ ok: false, code: "FORBIDDEN", message: expect.stringMatching(/your own roles/) });
    }
  });
});

describe("granting", () => {
  it("grants an ordinary role at once, and a privileged one only as a request", () => {
    expect(planGrant(omar, nia, "PRODUCT", false)).toEqual({ ok: true, kind: "grant", sets: { roles: ["SRE", "PRODUCT"], blockedRoles: [] } });
    for (const role of PRIVILEGED_ROLES) expect(planGrant(omar, nia, role, false)).toEqual({ ok: true, kind: "request" });
  });

  it("refuses a role already granted here, and a second request while one is pending", () => {
    expect(planGrant(omar, nia, "SRE", false)).toMatchObject({ ok: false, code: "CONFLICT", message: "Nia Obi already holds SRE, granted here." });
    expect(planGrant(omar, nia, "AUDITOR", true)).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/already waiting/) });
    expect(planGrant(omar, nia, "PRODUCT", true)).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("grants here a role the identity provider gives (it then stays when the group goes), and lifts a block", () => {
    const fromIdp = { ...nia, roles: [], idpRoles: ["SRE"] };
    expect(planGrant(omar, fromIdp, "SRE", false)).toEqual({ ok: true, kind: "grant", sets: { roles: ["SRE"], blockedRoles: [] } });
    expect(grantedSets({ roles: [], blockedRoles: ["SRE", "PRODUCT"] }, "SRE")).toEqual({ roles: ["SRE"], blockedRoles: ["PRODUCT"] });
  });
});

describe("two administrators for a privileged grant", () => {
  it("lets a second administrator approve, which grants the role", () => {
    expect(planDecision(mei, request(), nia, "approve")).toEqual({ ok: true, status: "APPROVED", sets: { roles: ["SRE", "AUDITOR"], blockedRoles: [] } });
  });

  it("refuses the requester's own approval (two-person rule)", () => {
    expect(planDecision(omar, request(), nia, "approve")).toMatchObject({ ok: false, code: "FORBIDDEN", message: expect.stringMatching(/You requested this grant/) });
  });

  it("refuses the grantee even when they did not request it, and the grantee-requester too", () => {
    expect(planDecision(nia.id, request({ requestedById: omar }), nia, "approve")).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(planDecision(nia.id, request({ requestedById: nia.id }), nia, "approve")).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });

  it("treats the requester's rejection as a withdrawal and anyone else's as a rejection", () => {
    expect(planDecision(omar, request(), nia, "reject")).toEqual({ ok: true, status: "WITHDRAWN" });
    expect(planDecision(mei, request(), nia, "reject")).toEqual({ ok: true, status: "REJECTED" });
  });

  it("decides only a pending request", () => {
    for (const status of ["APPROVED", "REJECTED", "WITHDRAWN"]) {
      expect(planDecision(mei, request({ status }), nia, "approve")).toMatchObject({ ok: false, code: "CONFLICT", message: `This request was already decided (${status.toLowerCase()}).` });
    }
  });
});

describe("revoking", () => {
  it("takes a role granted here out of the granted roles", () => {
    expect(planRevoke(omar, nia, "SRE")).toEqual({ ok: true, blocked: false, sets: { roles: [], blockedRoles: [] } });
  });

  it("blocks a role from the identity provider, so the next sign-in does not bring it back", () => {
    const both = { ...nia, roles: ["SRE"], idpRoles: ["SRE", "INFOSEC"] };
    expect(planRevoke(omar, both, "SRE")).toEqual({ ok: true, blocked: true, sets: { roles: [], blockedRoles: ["SRE"] } });
    expect(planRevoke(omar, both, "INFOSEC")).toEqual({ ok: true, blocked: true, sets: { roles: ["SRE"], blockedRoles: ["INFOSEC"] } });
  });

  it("refuses a role the person does not hold, a blocked one included", () => {
    expect(planRevoke(omar, nia, "AUDITOR")).toMatchObject({ ok: false, code: "CONFLICT", message: "Nia Obi does not hold Auditor." });
    expect(planRevoke(omar, { ...nia, roles: [], idpRoles: ["SRE"], blockedRoles: ["SRE"] }, "SRE")).toMatchObject({ ok: false, code: "CONFLICT" });
  });
});

describe("disabling", () => {
  it("disables and enables others, and refuses what changes nothing", () => {
    expect(planSetDisabled(omar, nia, true)).toEqual({ ok: true });
    expect(planSetDisabled(omar, { ...nia, disabled: true }, false)).toEqual({ ok: true });
    expect(planSetDisabled(omar, nia, false)).toMatchObject({ ok: false, code: "CONFLICT", message: "Nia Obi is already enabled." });
    expect(planSetDisabled(omar, { ...nia, disabled: true }, true)).toMatchObject({ ok: false, code: "CONFLICT", message: "Nia Obi is already disabled." });
  });
});

describe("role sources", () => {
  it("names each role's source and whether it counts", () => {
    expect(roleSources({ roles: ["SRE", "AUDITOR"], idpRoles: ["SRE", "INFOSEC", "PRODUCT"], blockedRoles: ["PRODUCT"] })).toEqual([
      { role: "SRE", portal: true, idp: true, blocked: false, held: true },
      { role: "INFOSEC", portal: false, idp: true, blocked: false, held: true },
      { role: "PRODUCT", portal: false, idp: true, blocked: true, held: false },
      { role: "AUDITOR", portal: true, idp: false, blocked: false, held: true },
    ]);
  });
});
