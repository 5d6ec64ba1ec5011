import { randomUUID } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { can, type Permission } from "../lib/auth/permissions";
import { ROLES, type Role } from "../lib/auth/roles";
import { PEOPLE, consoleProblems, pageAs, postAlert } from "./support";

/**
 * Every page, as every role: axe-core finds no serious or critical violation, and the browser logs no error or
 * warning. A page a role may not open must show the refusal page instead (which is checked the same way).
 *
 * Every role opens every page, but axe scans each distinct rendering once. Roles often see the same page (112
 * role-page pairs are 30 distinct page bodies and 30 distinct shells around them), and axe was three quarters of
 * this file's time (140 of 188 s on a quiet machine; docs/benchmarks.md, "CI budget"). A rendering is its DOM's
 * shape: every element with its attributes (text as "there is text"; URLs, form values, times and data-* left out),
 * taken apart into the page's <main> and the shell around it. axe scans the part or parts not seen before in this
 * run: <main> alone, the page without <main> (page-level rules such as "bypass" and "document-title" still run,
 * since the context is still the whole document), or the whole page.
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

/** The shapes of the page's <main> and of the rest of the page (see the comment at the top). */
function renderings(page: Page) {
  return page.evaluate(() => {
    const volatile = /^(data-|nonce$|value$|datetime$|title$|href$|src$|action$)/;
    const shape = (el: Element): string => {
      const attrs = Array.from(el.attributes)
        .filter((a) => a.name !== "aria-current")
        .map((a) => (volatile.test(a.name) ? a.name : `${a.name}=${a.value}`))
        .sort()
        .join(" ");
      const children = Array.from(el.childNodes)
        .map((c) => (c.nodeType === Node.TEXT_NODE ? (c.textContent?.trim() ? "T" : "") : c.nodeType === Node.ELEMENT_NODE ? shape(c as Element) : ""))
        .filter(Boolean)
        .join(",");
      return `<${el.tagName} ${attrs}>${children}`;
    };
    const main = document.querySelector("main");
    const whole = shape(document.documentElement);
    const inner = main ? shape(main) : null;
    return { main: inner, shell: inner ? whole.replace(inner, "<MAIN>") : whole };
  });
}

/** Renderings axe has scanned in this worker, across the role tests below (they run in order, in one worker). */
const scanned = { main: new Set<string>(), shell: new Set<string>(), scans: 0 };

/** axe on the parts of the page not scanned before; [] when both were. */
async function unscannedViolations(page: Page) {
  const { main, shell } = await renderings(page);
  const newMain = main !== null && !scanned.main.has(main);
  const newShell = !scanned.shell.has(shell);
  if (!newMain && !newShell) return [];
  let axe = new AxeBuilder({ page });
  if (newMain && !newShell) axe = axe.include("main");
  if (newShell && !newMain && main !== null) axe = axe.exclude("main");
  const violations = await seriousViolations(page, axe);
  if (main !== null) scanned.main.add(main);
  scanned.shell.add(shell);
  scanned.scans++;
  return violations;
}

/** axe's serious and critical violations on the page as it is now, one line per rule with the first few targets. */
async function seriousViolations(page: Page, axe = new AxeBuilder({ page })) {
  const { violations } = await axe.analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

for (const role of ROLES) {
  test(`every page is accessible and clean for ${role}, and refused pages say so`, async ({ browser }) => {
    // 14 pages, and axe on the renderings not scanned yet: the first role scans all, later ones a few.
    test.setTimeout(120_000);
    const page = await pageAs(browser, SESSION[role]);
    const problems = consoleProblems(page);
    const found: Record<string, string[]> = {};
    let refusalSeen = false;
    for (const [path, permission] of pages()) {
      const allowed = permission === null || can({ roles: [role] }, permission);
      if (!allowed && refusalSeen) {
        // The refusal page is one page: after the first, the server's answer is enough (no render to repeat).
        const answer = await page.request.get(path, { maxRedirects: 0 });
        expect(`${answer.status()} ${answer.headers()["location"]}`, `${role} is refused ${path}`).toBe("307 /forbidden");
        continue;
      }
      await page.goto(path);
      if (!allowed) {
        await page.waitForURL("/forbidden");
        await expect(page.getByRole("heading", { level: 1 })).toHaveText("You do not have access to that page");
        refusalSeen = true;
      } else {
        expect(new URL(page.url()).pathname, `${role} may open ${path}`).toBe(path);
      }
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      const violations = await unscannedViolations(page);
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
