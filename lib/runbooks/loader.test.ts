import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCorpus, loadRunbookDir, parseRunbook, RunbookError, type Runbook } from "./loader";

const FRONT = (id: string, extra = "") => `---
id: ${id}
title: Test Runbook
severity: HIGH
category: core
owners: [SRE]
startRoles: [SRE]
responseTime: { minutes: 30, label: "<30 min" }
useWhen: [Testing]
escalation:
  - { level: L1, who: SRE on-call, roles: [SRE], afterMinutes: 0 }
  - { level: L2, who: Engineering TL, roles: [ENGINEERING_TL], afterMinutes: 15 }
  - { level: L3, who: Incident commander, roles: [INCIDENT_COMMANDER], afterMinutes: 30 }
successCriteria: [It works]
validation: { method: Unit test, date: 2026-11-28, status: validated }
changelog:
  - { date: 2026-11-28, author: test, change: created }
${extra}---
`;

const STEP = (yaml: string, title = "A step") => `
### 1. ${title}

\`\`\`yaml step
${yaml}
\`\`\`

Do the thing. Check **429** counts.
`;

const doc = (id: string, steps: string, extra = "") => `${FRONT(id, extra)}
# ${id}

Intro text.

| Level | Phase 6 |
| --- | --- |
| Soft | $50/day |

## Procedure
${steps}
## Notes

Trailing section.
`;

const OK_STEP = STEP("id: triage\nkind: task\nsignoff: [SRE]\nminutes: 5");

function errorsOf(file: string, source: string): RunbookError[] {
  try {
    parseRunbook(file, source);
    return [];
  } catch (e) {
    return (e as AggregateError).errors as RunbookError[];
  }
}

describe("parseRunbook", () => {
  it("parses front matter, steps, instructions and tables", () => {
    const rb = parseRunbook("runbooks/ok.md", doc("RB-CORE-101", OK_STEP));
    expect(rb.id).toBe("RB-CORE-101");
    expect(rb.steps).toHaveLength(1);
    expect(rb.steps[0]).toMatchObject({ id: "triage", kind: "task", title: "A step", number: 1, twoPerson: false, minutes: 5 });
    expect(rb.steps[0].instructionsHtml).toContain("<strong>429</strong>");
    expect(rb.steps[0].instructionsHtml).not.toContain("yaml");
    expect(rb.introHtml).toContain("<table>");
    expect(rb.appendixHtml).toContain("Trailing section");
    expect(rb.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(rb.text).toContain("$50/day");
  });

  it("reviews quarterly unless the front matter names another cadence (issue 19)", () => {
    expect(parseRunbook("runbooks/q.md", doc("RB-CORE-115", OK_STEP)).reviewCadence).toBe("quarterly");
    expect(parseRunbook("runbooks/m.md", doc("RB-CORE-116", OK_STEP, "reviewCadence: monthly\n")).reviewCadence).toBe("monthly");
  });

  it("sanitises HTML in runbook text", () => {
    const rb = parseRunbook("runbooks/x.md", doc("RB-CORE-102", OK_STEP.replace("Do the thing.", '<script>alert(1)</script><img src=x onerror="alert(1)">')));
    expect(rb.steps[0].instructionsHtml).not.toMatch(/<script|onerror/);
  });

  it.each([
    ["a missing field", doc("RB-CORE-103", OK_STEP).replace(/^title: .*\n/m, ""), { field: "title" }],
    ["an unknown step kind", doc("RB-CORE-104", STEP("id: triage\nkind: pray\nsignoff: [SRE]\nminutes: 5")), { step: "triage", field: "kind", detail: /unknown step kind "pray"/ }],
    ["an unknown role", doc("RB-CORE-105", STEP("id: triage\nkind: task\nsignoff: [JANITOR]\nminutes: 5")), { step: "triage", field: "signoff.0", detail: /unknown role "JANITOR"/ }],
    ["an unknown control-plane action", doc("RB-CORE-106", STEP("id: go\nkind: action\nsignoff: [SRE]\nminutes: 1\naction: { name: reboot-the-internet, params: {} }")), { step: "go", field: "action.name", detail: /unknown control-plane action/ }],
    ["a duplicate step id", doc("RB-CORE-107", OK_STEP + OK_STEP), { step: "triage", field: "id", detail: /duplicate step id/ }],
    ["a critical action without the two-person rule", doc("RB-CORE-108", STEP("id: rb\nkind: action\nsignoff: [SRE]\nminutes: 1\naction: { name: rollback-to-pilot, params: {} }")), { step: "rb", field: "twoPerson" }],
    ["a decision without criteria", doc("RB-CORE-109", STEP("id: decide\nkind: decision\nsignoff: [INCIDENT_COMMANDER]\nminutes: 1\nonGo: end:completed\nonNoGo: end:aborted")), { step: "decide", field: "criteria" }],
    ["a branch to a step that does not exist", doc("RB-CORE-110", STEP("id: decide\nkind: decision\nsignoff: [INCIDENT_COMMANDER]\nminutes: 1\ncriteria: { go: [{ id: a, label: A }], noGo: [{ id: b, label: B }] }\nonGo: nowhere\nonNoGo: end:aborted")), { step: "decide", field: "onGo" }],
    ["a branch back to an earlier step", doc("RB-CORE-113", OK_STEP + STEP("id: decide\nkind: decision\nsignoff: [INCIDENT_COMMANDER]\nminutes: 1\ncriteria: { go: [{ id: a, label: A }], noGo: [{ id: b, label: B }] }\nonGo: triage\nonNoGo: end:aborted", "Decide")), { step: "decide", field: "onGo", detail: /must come after/ }],
    ["an unknown review cadence", doc("RB-CORE-114", OK_STEP, "reviewCadence: weekly\n"), { field: "reviewCadence", detail: /unknown review cadence "weekly"/ }],
    ["invalid YAML in a step", doc("RB-CORE-111", STEP("id: [unclosed")), { detail: /not valid YAML/ }],
    ["a step without its step block", doc("RB-CORE-112", "\n### 1. Lonely\n\nJust text.\n"), { step: "Lonely", detail: /no ```yaml step block/ }],
  ])("names the file, step and field for %s", (_what, source, expected) => {
    const errors = errorsOf("runbooks/broken.md", source);
    expect(errors.length).toBeGreaterThan(0);
    const match = errors.find(
      (e) =>
        e.file === "runbooks/broken.md" &&
        (!("step" in expected) || e.step === expected.step) &&
        (!("field" in expected) || e.field === expected.field) &&
        (!("detail" in expected) || (expected.detail as RegExp).test(e.detail)),
    );
    expect(match, errors.map((e) => e.message).join("\n")).toBeDefined();
    expect(match!.message).toContain("runbooks/broken.md");
  });
});

describe("checkCorpus", () => {
  const link = (id: string, to: string) => doc(id, STEP(`id: open\nkind: link\nsignoff: [SRE]\nminutes: 1\nlink: ${to}`));

  it("names a dependency on a runbook that does not exist", () => {
    const rb = parseRunbook("runbooks/a.md", doc("RB-CORE-201", OK_STEP, "dependencies: [RB-CORE-999]\n"));
    expect(checkCorpus([rb]).map((e) => e.message)).toEqual(["runbooks/a.md: field \"dependencies\": depends on RB-CORE-999, which does not exist"]);
  });

  it("names a link to a runbook that does not exist", () => {
    const rb = parseRunbook("runbooks/a.md", link("RB-CORE-202", "RB-CORE-998"));
    expect(checkCorpus([rb])[0].message).toBe('runbooks/a.md: step "open": field "link": links to RB-CORE-998, which does not exist');
  });

  it("names a cycle of links", () => {
    const a = parseRunbook("runbooks/a.md", link("RB-CORE-301", "RB-CORE-302"));
    const b = parseRunbook("runbooks/b.md", link("RB-CORE-302", "RB-CORE-303"));
    const c = parseRunbook("runbooks/c.md", link("RB-CORE-303", "RB-CORE-301"));
    const errors = checkCorpus([a, b, c]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/links form a cycle: RB-CORE-301 → RB-CORE-302 → RB-CORE-303 → RB-CORE-301/);
  });

  it("names duplicate runbook ids", () => {
    const a = parseRunbook("runbooks/a.md", doc("RB-CORE-401", OK_STEP));
    const b: Runbook = { ...a, file: "runbooks/b.md" };
    expect(checkCorpus([a, b])[0].message).toMatch(/runbooks\/b.md: field "id": duplicate runbook id \(also in runbooks\/a.md\)/);
  });
});

describe("loadRunbookDir", () => {
  it("collects the problems of every file instead of stopping at the first", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "runbooks-"));
    writeFileSync(path.join(dir, "good.md"), doc("RB-CORE-501", OK_STEP));
    writeFileSync(path.join(dir, "bad1.md"), doc("RB-CORE-502", STEP("id: x\nkind: nope\nsignoff: [SRE]\nminutes: 1")));
    writeFileSync(path.join(dir, "bad2.md"), "no front matter");
    writeFileSync(path.join(dir, "README.md"), "# not a runbook");
    const { runbooks, errors } = loadRunbookDir(dir);
    expect(runbooks.map((r) => r.id)).toEqual(["RB-CORE-501"]);
    expect(errors.map((e) => path.basename(e.file)).sort()).toEqual(["bad1.md", "bad2.md"]);
  });
});
