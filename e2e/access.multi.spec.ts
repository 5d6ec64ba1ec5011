/**
 * Issue 13 items 3 and 6 in the browser: an InfoSec administrator adds a person and asks for Auditor, a second
 * InfoSec administrator approves (the requester cannot), and an auditor asks the access review who could approve a
 * rollback today and downloads the answer as CSV.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { csvComment, pageAs as as, sql } from "./support";

const kai = { name: "Kai Berg", email: `kai.berg.${Date.now().toString(36)}@ops.example` };
const today = () => new Date().toISOString().slice(0, 10);

test("the two-person grant of Auditor: requested by one InfoSec administrator, approved by another", async ({ browser }) => {
  const omar = await as(browser, "infosec");
  await omar.goto("/");
  await expect(omar.getByTestId("signed-in-name")).toHaveText("Omar Haddad");
  await omar.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access" }).click();
  await omar.waitForURL("/access");
  await expect(omar.getByRole("heading", { name: "Access", level: 1 })).toBeVisible();
  await expect(omar.getByTestId("idp-note")).toContainText("blocks it");

  // Nobody changes their own access: Omar's row offers nothing.
  const own = omar.locator('[data-testid="access-person"][data-email="omar.haddad@ops.example"]');
  await expect(own).toContainText("Another administrator changes your access.");
  await expect(own.getByRole("button")).toHaveCount(0);

  // Add Kai with Product; the form says what is wrong first.
  const add = omar.getByTestId("add-person");
  await add.getByLabel("Email").fill(kai.email);
  await add.getByLabel("Name").fill(kai.name);
  await add.getByRole("button", { name: "Add person" }).click();
  await expect(add.getByText("Choose at least one role.", { exact: true })).toBeVisible();
  await expect(add.getByRole("group", { name: "Roles" })).toHaveAccessibleDescription("Choose at least one role.");
  await expect(add.getByRole("alert")).toHaveText("Some fields need attention: Choose at least one role.");
  await add.getByLabel("Email").fill(kai.email);
  await add.getByLabel("Name").fill(kai.name);
  await add.getByRole("checkbox", { name: "Product" }).check();
  await add.getByRole("button", { name: "Add person" }).click();
  await expect(add.getByRole("status")).toHaveText(`Added ${kai.name} with Product.`);
  const row = omar.locator(`[data-testid="access-person"][data-email="${kai.email}"]`);
  await expect(row.locator('[data-testid="access-role"][data-role="PRODUCT"]')).toContainText("granted here");
  await expect(row).toContainText("Active");

  // Omar asks for Auditor: only a request; he may withdraw it, not approve it.
  await row.getByLabel(`Role to grant to ${kai.name}`).selectOption("AUDITOR");
  await row.getByLabel(`Reason for granting a role to ${kai.name} (optional)`).fill("Q4 access review");
  await row.getByRole("button", { name: `Grant the chosen role to ${kai.name}` }).click();
  await expect(row.getByRole("status")).toContainText(`Requested Auditor for ${kai.name}: a second administrator`);
  await expect(row.locator('[data-testid="access-role"][data-role="AUDITOR"]')).toHaveCount(0);
  const pendingForOmar = omar.getByTestId("pending-grant").filter({ hasText: `Auditor for ${kai.name}` });
  await expect(pendingForOmar).toContainText("Requested by Omar Haddad");
  await expect(pendingForOmar).toContainText("You requested this: a second administrator approves it.");
  await expect(pendingForOmar.getByRole("button", { name: /^Approve/ })).toHaveCount(0);
  await expect(pendingForOmar.getByRole("button", { name: `Withdraw the request: Auditor for ${kai.name}` })).toBeVisible();

  // Mei, the second InfoSec administrator, approves.
  const mei = await as(browser, "infosec2");
  await mei.goto("/access");
  const pendingForMei = mei.getByTestId("pending-grant").filter({ hasText: `Auditor for ${kai.name}` });
  await expect(pendingForMei).toContainText("Q4 access review");
  await pendingForMei.getByRole("button", { name: `Approve: Auditor for ${kai.name}` }).click();
  await expect(mei.getByTestId("pending-grant").filter({ hasText: `Auditor for ${kai.name}` })).toHaveCount(0);
  const kaiForMei = mei.locator(`[data-testid="access-person"][data-email="${kai.email}"]`);
  await expect(kaiForMei.locator('[data-testid="access-role"][data-role="AUDITOR"][data-held="yes"]')).toContainText("granted here");

  const [request] = (await sql(`SELECT r.status, r."requestedBy", r."decidedBy" FROM access_request r JOIN person p ON p.id = r."personId" WHERE p.email = $1`, [kai.email])).rows;
  expect(request).toEqual({ status: "APPROVED", requestedBy: "Omar Haddad", decidedBy: "Mei Tanaka" });
  const events = (await sql(`SELECT action, "actorEmail" FROM audit_event WHERE "targetId" = (SELECT id::text FROM person WHERE email = $1) ORDER BY seq`, [kai.email])).rows;
  expect(events).toEqual([
    { action: "access.person.added", actorEmail: "omar.haddad@ops.example" },
    { action: "access.grant.requested", actorEmail: "omar.haddad@ops.example" },
    { action: "access.grant.approved", actorEmail: "mei.tanaka@ops.example" },
  ]);
  await omar.context().close();
  await mei.context().close();
});

test("people without access administration see no Access page; auditors get the review", async ({ browser }) => {
  const sre = await as(browser, "sre");
  await sre.goto("/");
  await expect(sre.getByTestId("signed-in-name")).toHaveText("Sam Rivera");
  await expect(sre.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit" })).toBeVisible();
  await expect(sre.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access" })).toHaveCount(0);
  await sre.goto("/access");
  await sre.waitForURL("/forbidden");
  await sre.context().close();

  const ada = await as(browser, "auditor");
  await ada.goto("/");
  await expect(ada.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Access" })).toHaveAttribute("href", "/access/review");
  await ada.goto("/access");
  await ada.waitForURL("/forbidden");
  await ada.context().close();
});

test("the access review answers who could approve a rollback today, and downloads the answer as CSV", async ({ browser }) => {
  const ada = await as(browser, "auditor");
  await ada.goto("/access/review");
  await expect(ada.getByTestId("role-history")).toContainText(kai.name);
  await ada.getByLabel("Date (UTC)").fill(today());
  await expect(ada.getByRole("combobox", { name: /^Runbook/ })).toHaveValue("RB-LAUNCH-002");
  await ada.getByRole("button", { name: "Answer" }).click();
  await ada.waitForURL(/date=/);

  const decision = ada.locator('[data-testid="approval-step"][data-step="go-no-go"]');
  await expect(decision).toContainText("Go/no-go decision · Incident commander");
  await expect(decision.getByTestId("approver")).toHaveText([/Ines Carter/]);
  const allowlist = ada.locator('[data-testid="approval-step"][data-step="set-allowlist-pilot"]');
  await expect(allowlist).toContainText("SRE or Incident commander");
  const names = await allowlist.getByTestId("approver").evaluateAll((els) => els.map((e) => e.querySelector("span")?.textContent));
  expect(names).toEqual(expect.arrayContaining(["Ines Carter", "Jordan Lee", "Sam Rivera"]));
  expect(names).not.toContain("Ada Mensah");
  expect(names).not.toContain(kai.name);

  const [download] = await Promise.all([ada.waitForEvent("download"), ada.getByTestId("approvers-csv").click()]);
  expect(download.suggestedFilename()).toBe(`access-review_RB-LAUNCH-002_${today()}.csv`);
  const lines = readFileSync((await download.path())!, "utf8").trimEnd().split("\n");
  expect(JSON.parse(csvComment(lines[0]).slice(2))).toMatchObject({ type: "meta", format: "orchestrator-access-review/v1", question: `Who could approve RB-LAUNCH-002 (Rollback to Pilot) on ${today()} (UTC)?`, exportedBy: "ada.mensah@ops.example" });
  expect(lines[1]).toBe("step_id,step,person_id,email,name,role,held_from,held_to,sources,recorded");
  expect(lines.some((l) => l.startsWith("set-allowlist-pilot,3. Set the allowlist to the pilot repo only,") && l.includes(",sam.rivera@ops.example,Sam Rivera,SRE,"))).toBe(true);
  expect(JSON.parse(csvComment(lines.at(-1)!).slice(2))).toEqual({ type: "end", count: lines.length - 3 });
  const [recorded] = (await sql(`SELECT details FROM audit_event WHERE action = 'access.review.exported' AND "actorEmail" = 'ada.mensah@ops.example' ORDER BY seq DESC LIMIT 1`)).rows;
  expect(recorded.details).toMatchObject({ date: today(), runbookId: "RB-LAUNCH-002" });
  await ada.context().close();
});
