import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { can, type Permission } from "../lib/auth/permissions";
import { ROLES, type Role } from "../lib/auth/roles";
import { PEOPLE, consoleProblems, pageAs, postAlert } from "./support";

/**
 * Every page, as every role: axe-core finds no serious or critical violation, and the browser logs no error or
 * warning. A page a role may not open must show the refusal page instead (which is checked the same way).
 */
type Session = Exclude<keyof typeof PEOPLE, "sre2" | "infosec2">;
const SESSION: Record<Role, Session> = {
  SRE: "sre",
  INCIDENT_COMMANDER: "incident-commander",
  INFOSEC: "infosec",
  ENGINEERING_TL: "engineering-tl",
  BUSINESS: "business",
  PRODUCT: "product",
  REPO_OWNER: "repo-owner",
  AUDITOR: "auditor",
};

let incidentId = "";
let runId = "";

test.beforeAll(async ({ browser }) => {
  const page = await pageAs(browser, "sre");
  const name = `A11yProbe${randomUUID().slice(0, 8)}`;
  [incidentId] = await postAlert(page, { alertname: name, severity: "critical", runbook: "RB-CORE-004", provider: "openai" }, `Accessibility probe ${name}`, new Date());
  const run = await page.request.post("/api/runs", { data: { runbookId: "RB-CORE-004", incidentId } });
  expect(run.status()).toBe(201);
  runId = ((await run.json()) as { data: { runId: string } }).data.runId;
  await page.context().close();
});

/** The portal's pages and the permission each needs (null: any signed-in person). */
const pages = (): [string, Permission | null][] => [
  ["/", null],
  ["/runbooks", "runbook.view"],
  ["/runbooks/RB-CORE-004", "runbook.view"],
  ["/incidents", "incident.view"],
  [`/incidents/${incidentId}`, "incident.view"],
  [`/runs/${runId}`, "run.view"],
  [`/runs/${runId}/rca`, "run.view"],
  ["/panels", "panels.view"],
  ["/onboarding", "onboarding.request"],
  ["/onboarding/new", "onboarding.request"],
  ["/audit", "audit.view.own"],
  ["/audit/heads", "audit.verify"],
  ["/access", "access.admin"],
  ["/access/review", "access.review"],
];

/** axe's serious and critical violations on the page as it is now, one line per rule with the first few targets. */
async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

for (const role of ROLES) {
  test(`every page is accessible and clean for ${role}, and refused pages say so`, async ({ browser }) => {
    // Up to 14 pages with an axe scan each: about 10 s on a quiet machine, several times that beside other work.
    test.setTimeout(120_000);
    const page = await pageAs(browser, SESSION[role]);
    const problems = consoleProblems(page);
    const found: Record<string, string[]> = {};
    let refusalChecked = false;
    for (const [path, permission] of pages()) {
      await page.goto(path);
      const allowed = permission === null || can({ roles: [role] }, permission);
      if (!allowed) {
        await page.waitForURL("/forbidden");
        await expect(page.getByRole("heading", { level: 1 })).toHaveText("You do not have access to that page");
        // One refusal page per role is enough for axe: they are the same page.
        if (refusalChecked) continue;
        refusalChecked = true;
      } else {
        expect(new URL(page.url()).pathname, `${role} may open ${path}`).toBe(path);
      }
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      const violations = await seriousViolations(page);
      if (violations.length) found[page.url()] = violations;
    }
    expect(found).toEqual({});
    expect(problems).toEqual([]);
    await page.context().close();
  });
}

test("the sign-in page is accessible and clean for someone not signed in", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = consoleProblems(page);
  await page.goto("/runbooks");
  await page.waitForURL(/\/signin/);
  await expect(page.getByRole("button", { name: /^Sign in as/ }).first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  expect(problems).toEqual([]);
  await context.close();
});
