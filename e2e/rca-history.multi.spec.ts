import { expect, test } from "@playwright/test";
import { pageAs } from "./support";

const v1 = "# RCA: provider outage\n\n## Summary\n\nProvider A was down for 20 minutes.\n\n## Root cause\n\nUnknown yet.\n";
const v2 = "# RCA: provider outage\n\n## Summary\n\nProvider A was down for 20 minutes.\n\n## Root cause\n\nAn expired certificate at provider A.\n";

test("only the run's people work on it; the RCA keeps every version, shows each one's changes and refuses a stale save", async ({ browser }) => {
  test.setTimeout(120_000);
  const sre = await pageAs(browser, "sre");
  const ic = await pageAs(browser, "incident-commander");
  const owner = await pageAs(browser, "repo-owner");

  // RB-CORE-004's steps are signed by SRE and the incident commander: a repo owner gets no escalation or evidence.
  await sre.goto("/runbooks/RB-CORE-004");
  await sre.getByRole("button", { name: "Start run" }).click();
  await sre.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runPath = new URL(sre.url()).pathname;
  const runId = runPath.split("/").pop()!;
  await expect(sre.getByText(/^Escalate to L2/)).toBeVisible();
  await expect(sre.getByTestId("step-confirm-scope").getByText(/^Add evidence/)).toBeVisible();
  await owner.goto(runPath);
  await expect(owner.getByTestId("run-status")).toHaveText("in progress");
  await expect(owner.getByTestId("step-confirm-scope")).toContainText("Waiting for SRE to sign off this step.");
  await expect(owner.getByText(/^Escalate to/)).toHaveCount(0);
  await expect(owner.getByText(/^Add evidence/)).toHaveCount(0);

  // The incident commander ends the run; the RCA is written after it.
  await ic.goto(runPath);
  await ic.locator("summary", { hasText: "Abort run" }).click();
  await ic.getByLabel("Reason for aborting").fill("Provider recovered by itself; writing the RCA");
  await ic.locator('form button[type="submit"]', { hasText: "Abort run" }).click();
  await expect(ic.getByTestId("run-status")).toHaveText("aborted", { timeout: 5_000 });

  const rcaPath = `${runPath}/rca`;
  await ic.goto(rcaPath);
  await expect(ic.getByText("Not saved yet: this is the generated draft.")).toBeVisible();
  await ic.getByLabel("RCA (Markdown)").fill(v1);
  await ic.getByRole("button", { name: "Save RCA" }).click();
  const icHistory = ic.getByTestId("rca-history");
  await expect(icHistory.locator("tbody tr")).toHaveCount(1);
  await expect(icHistory).toContainText("Ines Carter");

  // The SRE saves version 2 on top of version 1.
  await sre.goto(rcaPath);
  await expect(sre.getByLabel("RCA (Markdown)")).toHaveValue(v1.trim());
  await sre.getByLabel("RCA (Markdown)").fill(v2);
  await sre.getByRole("button", { name: "Save RCA" }).click();
  const history = sre.getByTestId("rca-history");
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await expect(history.locator("tbody tr").first()).toContainText("Sam Rivera");
  await expect(history.locator("tbody tr").nth(1)).toContainText("Ines Carter");
  const diff = sre.getByTestId("rca-diff");
  await expect(diff).toContainText("Changes in version 2 (since version 1)");
  await expect(diff.locator('[data-change="removed"]')).toHaveText([/Unknown yet\./]);
  await expect(diff.locator('[data-change="added"]')).toHaveText([/An expired certificate at provider A\./]);

  // The incident commander's page is still on version 1: her save is refused, and her text stays in the editor.
  const mine = `${v1}\n## Actions\n\nRotate the certificate alarms.\n`;
  await ic.getByLabel("RCA (Markdown)").fill(mine);
  await ic.getByRole("button", { name: "Save RCA" }).click();
  await expect(ic.locator("form").filter({ has: ic.getByLabel("RCA (Markdown)") }).getByRole("alert")).toHaveText("Sam Rivera saved version 2 meanwhile; reload to see it.");
  await expect(ic.getByLabel("RCA (Markdown)")).toHaveValue(mine);

  // Version 1's own changes are one click away; the API lists the versions and serves each one.
  await sre.getByRole("link", { name: "Changes in version 1" }).click();
  await expect(sre.getByTestId("rca-diff")).toContainText("Changes in version 1 (the first version)");
  const versions = await (await owner.request.get(`/api/runs/${runId}/rca?format=versions`)).json();
  expect(versions.versions.map((v: { version: number; author: string }) => [v.version, v.author])).toEqual([
    [2, "Sam Rivera"],
    [1, "Ines Carter"],
  ]);
  expect(versions.versions[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  expect(await (await owner.request.get(`/api/runs/${runId}/rca?version=1`)).text()).toBe(v1.trim());

  // A repo owner reads the RCA but cannot save it, and is told who can.
  await owner.goto(rcaPath);
  await expect(owner.getByTestId("rca-read-only")).toHaveText("Only people who sign RB-CORE-004's steps (SRE, Incident commander) or the incident commander may edit this run's RCA.");
  await expect(owner.getByRole("button", { name: "Save RCA" })).toHaveCount(0);
  await expect(owner.getByTestId("rca-history").locator("tbody tr")).toHaveCount(2);
});
