import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { groupsFromClaims, parseRoleMap, rolesFromGroups } from "./role-map";

describe("AUTH_OIDC_ROLE_MAP", () => {
  it("maps groups to roles", () => {
    const parsed = parseRoleMap("ops-sre=SRE,ops-ic=INCIDENT_COMMANDER,sec=INFOSEC");
    expect(parsed).toEqual({ ok: true, map: new Map([["ops-sre", ["SRE"]], ["ops-ic", ["INCIDENT_COMMANDER"]], ["sec", ["INFOSEC"]]]) });
  });

  it("is empty when unset or blank", () => {
    expect(parseRoleMap(undefined)).toEqual({ ok: true, map: new Map() });
    expect(parseRoleMap("  ")).toEqual({ ok: true, map: new Map() });
  });

  it("takes spaces around entries, a trailing comma, lower-case roles, and a group given several roles", () => {
    const parsed = parseRoleMap(" ops-leads = SRE , ops-leads=incident_commander, ops-sre=SRE, ops-sre=SRE,");
    expect(parsed).toEqual({ ok: true, map: new Map([["ops-leads", ["SRE", "INCIDENT_COMMANDER"]], ["ops-sre", ["SRE"]]]) });
  });

  it("takes group names with commas and equals signs (LDAP DNs) when entries are separated by semicolons or lines", () => {
    const parsed = parseRoleMap("CN=Ops SRE,OU=Groups,DC=corp=SRE;\nCN=Security,OU=Groups,DC=corp=INFOSEC");
    expect(parsed).toEqual({
      ok: true,
      map: new Map([
        ["CN=Ops SRE,OU=Groups,DC=corp", ["SRE"]],
        ["CN=Security,OU=Groups,DC=corp", ["INFOSEC"]],
      ]),
    });
  });

  it("names every bad entry, with its position and what is wrong", () => {
    const parsed = parseRoleMap("ops-sre=SRE,opsic,=AUDITOR,sec=INFOSECC,x=");
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual([
      'entry 2 "opsic": expected group=ROLE',
      'entry 3 "=AUDITOR": the group name is empty',
      expect.stringMatching(/^entry 4 "sec=INFOSECC": unknown role "INFOSECC" \(roles: SRE, INCIDENT_COMMANDER, .*AUDITOR\)$/),
      'entry 5 "x=": the role is empty',
    ]);
  });

  it("stops the portal from starting when wrong, naming the variable and the entry", () => {
    expect(() => parseEnv({ AUTH_OIDC_ROLE_MAP: "ops-sre=SRE,sec=INFOSECC" })).toThrow(/AUTH_OIDC_ROLE_MAP: entry 2 "sec=INFOSECC": unknown role/);
  });
});

describe("roles from groups", () => {
  const map = new Map([
    ["ops-sre", ["SRE" as const]],
    ["ops-leads", ["SRE" as const, "INCIDENT_COMMANDER" as const]],
    ["sec", ["INFOSEC" as const]],
  ]);

  it("gives each mapped group's roles once, in the portal's role order, and ignores the rest", () => {
    expect(rolesFromGroups(["sec", "marketing", "ops-leads", "ops-sre"], map)).toEqual(["SRE", "INCIDENT_COMMANDER", "INFOSEC"]);
    expect(rolesFromGroups(["marketing"], map)).toEqual([]);
    expect(rolesFromGroups([], map)).toEqual([]);
  });

  it("matches group names exactly", () => {
    expect(rolesFromGroups(["OPS-SRE", "ops-sre "], map)).toEqual([]);
  });
});

describe("the groups claim", () => {
  it("is a list of strings, or a single string", () => {
    expect(groupsFromClaims({ groups: ["a", "b"] }, "groups")).toEqual({ groups: ["a", "b"], found: true });
    expect(groupsFromClaims({ groups: "a" }, "groups")).toEqual({ groups: ["a"], found: true });
  });

  it("can be nested (Keycloak realm_access.roles), and a claim whose name has dots wins over the path", () => {
    expect(groupsFromClaims({ realm_access: { roles: ["ops-sre"] } }, "realm_access.roles")).toEqual({ groups: ["ops-sre"], found: true });
    expect(groupsFromClaims({ "https://corp.example/groups": ["x"] }, "https://corp.example/groups")).toEqual({ groups: ["x"], found: true });
  });

  it("is empty, and says so, when missing or not strings", () => {
    expect(groupsFromClaims({}, "groups")).toEqual({ groups: [], found: false });
    expect(groupsFromClaims({ groups: [1, "a", null] }, "groups")).toEqual({ groups: ["a"], found: true });
    expect(groupsFromClaims({ groups: { a: 1 } }, "groups")).toEqual({ groups: [], found: false });
  });
});
