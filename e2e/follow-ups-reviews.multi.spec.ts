import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { pageAs, postAlert, sql } from "./support";

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

test("an RCA's runbook gap shows on its runbook and, overdue, on its owner's start page; closing it as done needs a change-log entry", async ({ browser }) => {
  // Eleven page loads and two forms: 39 s beside a benchmark on two cores, 65 % of the default 60 s.
  test.setTimeout(120_000);
  const sre = await pageAs(browser, "sre");
  const title = `Step 1 lacks the API probe command ${randomUUID().slice(0, 6)}`;
  await sre.goto("/runbooks/RB-CORE-004");
  await sre.getByRole("button", { name: "Start run" }).click();
  await sre.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  await sre.goto(`${new URL(sre.url()).pathname}/rca`);

  const add = sre.getByTestId("add-follow-up");
  await add.getByLabel("Follow-up").fill(title);
  await add.getByLabel("Owner").selectOption({ label: "Sam Rivera" });
  await add.getByLabel("Due").fill(inDays(7));
  await add.getByLabel("Runbook gap in (optional)").selectOption("RB-CORE-004");
  await add.getByLabel("Step (optional)").selectOption("confirm-scope");
  await add.getByRole("button", { name: "Add follow-up" }).click();
  const item = sre.getByTestId("follow-up").filter({ hasText: title });
  await expect(item).toContainText("runbook gap: RB-CORE-004 step confirm-scope");

  await sre.goto("/runbooks/RB-CORE-004");
  await expect(sre.getByTestId("runbook-gaps")).toContainText(title);

  // A week later (moved in the database): overdue on the owner's start page.
  await sql(`UPDATE follow_up SET "dueOn" = current_date - 1 WHERE title = $1`, [title]);
  await sre.goto("/");
  await expect(sre.getByTestId("overdue-follow-up").filter({ hasText: title })).toContainText("runbook gap in RB-CORE-004");

  await sre.getByTestId("overdue-follow-up").filter({ hasText: title }).getByRole("link").click();
  await sre.waitForURL(/\/rca$/);
  await item.locator("summary", { hasText: "Close this follow-up" }).click();
  const close = item.getByTestId("close-follow-up");
  await close.getByRole("button", { name: "Close as done" }).click();
  await expect(close.getByRole("alert")).toContainText("RB-CORE-004's change log");
  await close.getByLabel(/Change-log entry of RB-CORE-004/).selectOption({ index: 1 });
  await close.getByRole("button", { name: "Close as done" }).click();
  await expect(item).toHaveAttribute("data-state", "DONE");
  await expect(item).toContainText("fixed by change-log entry");

  await sre.goto("/runbooks/RB-CORE-004");
  await expect(sre.getByText(title)).toHaveCount(0);
});

test("the index shows next reviews and filters overdue runbooks; recording a review moves the date", async ({ browser }) => {
  await sql(`DELETE FROM runbook_review WHERE "runbookId" = 'RB-CORE-004'`);
  const sre = await pageAs(browser, "sre");
  await sre.goto("/runbooks");
  const row = sre.locator('[data-testid="runbook-row"][data-runbook="RB-CORE-004"]');
  await expect(row.getByTestId("next-review")).toContainText("(overdue)");
  await sre.getByLabel("Overdue for review").check();
  await expect(row).toBeVisible();
  await expect(sre).toHaveURL(/review=overdue/);

  await sre.goto("/runbooks/RB-CORE-004");
  await expect(sre.getByTestId("next-review")).toContainText("overdue");
  await sre.getByTestId("record-review").getByRole("button", { name: "Record review" }).click();
  await expect(sre.getByTestId("last-review")).toContainText(`${inDays(0)} by Sam Rivera`);
  await expect(sre.getByTestId("next-review")).not.toContainText("overdue");

  await sre.goto("/runbooks?review=overdue");
  await expect(sre.getByLabel("Overdue for review")).toBeChecked();
  await expect(row).toHaveCount(0);
  await sre.getByLabel("Overdue for review").uncheck();
  await expect(row.getByTestId("next-review")).not.toContainText("overdue");
});

test("an incident from an RB-CORE-004 alert shows the SRE on-call and incident-commander contacts and the provider's status page", async ({ browser }) => {
  const ic = await pageAs(browser, "incident-commander");
  const name = `ProviderDown${randomUUID().slice(0, 8)}`;
  const labels = { alertname: name, severity: "critical", runbook: "RB-CORE-004", provider: "anthropic" };
  const summary = `Anthropic API unreachable (${name})`;
  const [incidentId] = await postAlert(ic, labels, summary, new Date());
  await ic.goto(`/incidents/${incidentId}`);
  const contacts = ic.getByTestId("escalation-contacts");
  await expect(contacts.getByTestId("escalation-L1")).toContainText("SRE On-Call");
  await expect(contacts.getByTestId("escalation-L1")).toContainText("@sre-oncall");
  await expect(contacts.getByTestId("escalation-L1")).toContainText("in hours now");
  await expect(contacts.getByTestId("escalation-L2")).toContainText("Incident Commander");
  await expect(contacts.getByTestId("escalation-L2")).toContainText("@incident-commander");
  await expect(ic.getByTestId("status-pages").getByRole("link", { name: "Anthropic status" })).toHaveAttribute("href", "https://status.anthropic.com");
});
