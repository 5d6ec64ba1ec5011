import { describe, expect, it } from "vitest";
import { rolesFor } from "../auth/permissions";
import { getRunbook } from "../runbooks";
import { rebuildRoleHistory, type HistoryEvent } from "./history";
import { ROLE_LABELS } from "../auth/roles";
import { REVIEW_FORMAT_ID, ROLLBACK_RUNBOOK_ID, approvalSteps, approversCsv, dayWindow, historyCsv, roleNames, whoCouldApprove, type ReviewMeta } from "./review";

const rollback = getRunbook(ROLLBACK_RUNBOOK_ID)!;
const signoff = rolesFor("run.step.signoff");

describe("the approval steps of a runbook", () => {
  it("are RB-LAUNCH-002's go/no-go decision and its two-person allowlist step, with the roles the runbook names", () => {
    expect(approvalSteps(rollback, { twoPerson: signoff, decision: signoff })).toEqual([
      { stepId: "go-no-go", number: 1, title: "Go/No-Go decision", kind: "decision", twoPerson: false, roles: ["INCIDENT_COMMANDER"] },
      { stepId: "set-allowlist-pilot", number: 3, title: "Set the allowlist to the pilot repo only", kind: "action", twoPerson: true, roles: ["SRE", "INCIDENT_COMMANDER"] },
    ]);
  });

  it("keep only the roles the permission table lets approve or decide", () => {
    const steps = approvalSteps(rollback, { twoPerson: ["INCIDENT_COMMANDER", "AUDITOR"], decision: [] });
    expect(steps.map((s) => [s.stepId, s.roles])).toEqual([
      ["go-no-go", []],
      ["set-allowlist-pilot", ["INCIDENT_COMMANDER"]],
    ]);
  });
});

describe("a day", () => {
  it("is the UTC day [00:00, next 00:00)", () => {
    expect(dayWindow("2026-11-03")).toEqual({ from: new Date("2026-11-03T00:00:00Z"), to: new Date("2026-11-04T00:00:00Z") });
  });

  it("refuses what is not a date, or a date that does not exist", () => {
    for (const bad of ["2026-02-30", "2026-13-01", "3 November", "2026-11-3", "", "2026-11-03T00:00"]) expect(dayWindow(bad)).toBeNull();
  });
});

let seq = 0n;
const ev = (at: string, action: string, id: string, details: unknown): HistoryEvent => ({ seq: ++seq, at: new Date(at), action, targetType: "person", targetId: id, details });
const person = (name: string, roles: string[], over: Record<string, unknown> = {}) => ({ email: `${name.toLowerCase().replace(/\W/g, "")}@ops.example`, name, roles, idpRoles: [], blockedRoles: [], disabled: false, ...over });
const meta: ReviewMeta = { type: "meta", format: "orchestrator-access-review/v1", question: "Who could approve RB-LAUNCH-002 on 2026-11-03?", through: "9", exportedBy: "ada@ops.example", exportedAt: "2026-11-29T12:00:00.000Z" };

describe("who could approve a rollback on a day", () => {
  const history = rebuildRoleHistory(
    [
      ev("2026-11-01T08:00:00Z", "access.person.added", "ines", { before: null, after: person("Ines Carter", ["INCIDENT_COMMANDER"]) }),
      ev("2026-11-01T08:00:00Z", "access.person.added", "sam", { before: null, after: person("Sam Rivera", ["SRE"]) }),
      ev("2026-11-03T12:00:00Z", "access.role.revoked", "sam", { before: person("Sam Rivera", ["SRE"]), after: person("Sam Rivera", []) }),
      ev("2026-11-01T08:00:00Z", "access.person.added", "ben", { before: null, after: person("Ben Ortiz", ["BUSINESS"]) }),
      ev("2026-11-04T08:00:00Z", "access.person.added", "jo", { before: null, after: person("Jordan Lee", ["SRE"]) }),
    ],
    [],
  );
  const answer = whoCouldApprove(history, approvalSteps(rollback, { twoPerson: signoff, decision: signoff }), dayWindow("2026-11-03")!);

  it("names, per approval step, who held one of its roles that day, and when", () => {
    expect(answer.map((s) => [s.stepId, s.people.map((p) => [p.name, p.roles, p.spans.map((x) => `${x.from.toISOString()}/${x.to.toISOString()}`)])])).toEqual([
      ["go-no-go", [["Ines Carter", ["INCIDENT_COMMANDER"], ["2026-11-03T00:00:00.000Z/2026-11-04T00:00:00.000Z"]]]],
      [
        "set-allowlist-pilot",
        [
          ["Ines Carter", ["INCIDENT_COMMANDER"], ["2026-11-03T00:00:00.000Z/2026-11-04T00:00:00.000Z"]],
          ["Sam Rivera", ["SRE"], ["2026-11-03T00:00:00.000Z/2026-11-03T12:00:00.000Z"]],
        ],
      ],
    ]);
  });

  it("answers the day after differently: Sam's SRE was revoked, Jordan's granted", () => {
    const next = whoCouldApprove(history, approvalSteps(rollback, { twoPerson: signoff, decision: signoff }), dayWindow("2026-11-04")!);
    expect(next[1].people.map((p) => p.name)).toEqual(["Ines Carter", "Jordan Lee"]);
  });

  it("exports the answer as CSV: meta line, header, one row per person and stretch, end line", () => {
    const lines = approversCsv(answer, meta).trimEnd().split("\n");
    expect(lines[0]).toBe(`"# ${JSON.stringify(meta).replace(/"/g, '""')}"`);
    expect(lines[1]).toBe("step_id,step,person_id,email,name,role,held_from,held_to,sources,recorded");
    expect(lines.slice(2, -1)).toEqual([
      "go-no-go,1. Go/No-Go decision,ines,inescarter@ops.example,Ines Carter,INCIDENT_COMMANDER,2026-11-03T00:00:00.000Z,2026-11-04T00:00:00.000Z,portal,yes",
      "set-allowlist-pilot,3. Set the allowlist to the pilot repo only,ines,inescarter@ops.example,Ines Carter,INCIDENT_COMMANDER,2026-11-03T00:00:00.000Z,2026-11-04T00:00:00.000Z,portal,yes",
      "set-allowlist-pilot,3. Set the allowlist to the pilot repo only,sam,samrivera@ops.example,Sam Rivera,SRE,2026-11-03T00:00:00.000Z,2026-11-03T12:00:00.000Z,portal,yes",
    ]);
    expect(lines.at(-1)).toBe(`"# {""type"":""end"",""count"":3}"`);
  });
});

describe("CSV cells a spreadsheet would run", () => {
  it("are defused with an apostrophe and quoted where they hold commas or quotes", () => {
    const history = rebuildRoleHistory(
      [ev("2026-11-01T08:00:00Z", "access.person.added", "x", { before: null, after: { ...person("x", ["SRE"]), email: "x@ops.example" } })],
      [{ id: "x", email: "=cmd|' /C calc'!A0@ops.example", name: '@SUM(1,2) "boss"', createdAt: new Date("2026-11-01T00:00:00Z"), roles: ["SRE"], idpRoles: [], disabled: false }],
    );
    const row = historyCsv(history, meta).split("\n")[2];
    expect(row).toBe(`x,'=cmd|' /C calc'!A0@ops.example,"'@SUM(1,2) ""boss""",SRE,portal,2026-11-01T08:00:00.000Z,,${seq},,yes`);
  });
});

describe("the edges of a review's answer", () => {
  it("a day must be the whole text, nothing before or after it", () => {
    for (const bad of ["x2026-11-03", "2026-11-03x", " 2026-11-03", "2026-11-03\n"]) expect(dayWindow(bad)).toBeNull();
  });

  it("one person who held two of a step's roles is one approver, roles in the role table's order, and unrecorded if any stretch was", () => {
    const history = rebuildRoleHistory(
      [
        ev("2026-11-03T10:00:00Z", "access.person.added", "pat", { before: null, after: person("Pat Quinn", ["INCIDENT_COMMANDER"]) }),
        ev("2026-11-03T11:00:00Z", "access.role.granted", "pat", { before: person("Pat Quinn", ["INCIDENT_COMMANDER"]), after: person("Pat Quinn", ["INCIDENT_COMMANDER", "SRE"]) }),
      ],
      // Kim's roles come only from the row (no event): that stretch is not recorded in the log.
      [{ id: "kim", email: "kim@ops.example", name: "Kim Ito", createdAt: new Date("2026-11-01T00:00:00Z"), roles: ["SRE", "INCIDENT_COMMANDER"], idpRoles: [], disabled: false }],
    );
    const [, allowlist] = whoCouldApprove(history, approvalSteps(rollback, { twoPerson: signoff, decision: signoff }), dayWindow("2026-11-03")!);
    expect(allowlist.people.map((p) => [p.name, p.roles, p.spans.length, p.recorded])).toEqual([
      ["Kim Ito", ["SRE", "INCIDENT_COMMANDER"], 2, false],
      ["Pat Quinn", ["SRE", "INCIDENT_COMMANDER"], 2, true],
    ]);
  });

  it("the history file leaves the events empty where the log has none, and says the stretch was not recorded", () => {
    const history = rebuildRoleHistory([], [{ id: "r", email: "r@ops.example", name: "R", createdAt: new Date("2026-11-01T00:00:00Z"), roles: ["AUDITOR"], idpRoles: [], disabled: false }]);
    expect(historyCsv(history, meta).split("\n")[2]).toBe("r,r@ops.example,R,AUDITOR,portal,2026-11-01T00:00:00.000Z,,,,no");
  });

  it("names roles as people read them, and the file format by its version", () => {
    expect(roleNames(["SRE", "INCIDENT_COMMANDER"])).toBe(`${ROLE_LABELS.SRE} or ${ROLE_LABELS.INCIDENT_COMMANDER}`);
    expect(roleNames([])).toBe("");
    expect(REVIEW_FORMAT_ID).toBe("orchestrator-access-review/v1");
  });
});
