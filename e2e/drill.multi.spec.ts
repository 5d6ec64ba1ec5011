import { expect, test } from "@playwright/test";
import { pageAs, simulator } from "./support";

test("a drill of RB-LAUNCH-005 with the mass-failure scenario completes, feeds the index, and exports its RCA", async ({ browser }) => {
  test.setTimeout(90_000);
  const ic = await pageAs(browser, "incident-commander");
  const sre = await pageAs(browser, "sre");

  await ic.goto("/runbooks/RB-LAUNCH-005");
  await ic.getByLabel("Drill").check();
  await expect(ic.getByLabel("Scenario")).toHaveValue("mass-failure");
  await ic.getByRole("button", { name: "Start run" }).click();
  await ic.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runPath = new URL(ic.url()).pathname;
  await expect(ic.getByText("drill: mass-failure")).toBeVisible();
  expect((await simulator("/admin/scenario")).active).toEqual(expect.arrayContaining([expect.objectContaining({ scenario: "mass-failure" })]));
  // The response-timeline clock of RB-LAUNCH-005 shows its phases, the first one current.
  await expect(ic.getByRole("list", { name: "Response timeline" }).locator('[aria-current="step"]')).toContainText("0–5 min");

  await sre.goto(runPath);
  await sre.getByTestId("step-acknowledge").getByRole("button", { name: "Sign off step 1" }).click();
  await ic.getByTestId("step-escalate").getByRole("button", { name: "Sign off step 2" }).click({ timeout: 5_000 });
  await ic.getByTestId("step-root-cause").getByRole("button", { name: "Sign off step 3" }).click();
  for (const [stepId, n] of [["provider-outage", 4], ["rate-limit", 5]] as const) {
    const step = ic.getByTestId(`step-${stepId}`);
    await step.getByText("Skip this step (incident commander)").click();
    await step.getByLabel("Reason for skipping").fill("Drill: not the cause in this scenario");
    await step.getByRole("button", { name: `Skip step ${n}` }).click();
    await expect(step).toContainText("Skipped by Ines Carter");
  }

  const decision = ic.getByTestId("decision-form");
  await decision.getByLabel("Root cause identified with fix ETA <30 min").check();
  await decision.getByLabel("Reason").fill("Bad deploy identified, revert in 10 minutes");
  await decision.getByRole("button", { name: "NO-GO" }).click();
  await expect(ic.getByTestId("step-rollback")).toContainText("not applicable");

  const resolution = sre.getByTestId("step-resolution");
  await resolution.getByLabel("repo").fill("billing-api");
  await resolution.getByRole("button", { name: "Send command" }).click();
  await expect(resolution.getByTestId("command-state")).toContainText("succeeded", { timeout: 15_000 });

  await ic.getByTestId("step-notify-and-rca").getByRole("button", { name: "Sign off step 9" }).click();
  await expect(ic.getByTestId("run-status")).toHaveText("completed", { timeout: 5_000 });

  // The RCA export of the finished P1 drill holds the timeline, the decision with its criteria, and the command.
  await ic.getByRole("link", { name: /Write the RCA/ }).click();
  await expect(ic.getByRole("heading", { name: "Root cause analysis" })).toBeVisible();
  const [download] = await Promise.all([ic.waitForEvent("download"), ic.getByRole("link", { name: "Export Markdown" }).click()]);
  const md = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString("utf8"));
  expect(md).toContain("# RCA: RB-LAUNCH-005 Mass Failure (drill)");
  expect(md).toContain("- Severity: P1");
  expect(md).toMatch(/### Step 6: .* — NO-GO/);
  expect(md).toContain("| NO-GO | Root cause identified with fix ETA <30 min | yes |");
  expect(md).toMatch(/\| 8 \| run-flow \| `\{"repo":"billing-api"\}` \| succeeded \|/);
  expect(md).toContain("## Timeline");
  expect(md).toContain("decided NO-GO at go-no-go: Bad deploy identified, revert in 10 minutes");

  // The index's validation column shows the drill, and the scenario is taken out of the simulator.
  await ic.goto("/runbooks");
  await expect(ic.locator('[data-runbook="RB-LAUNCH-005"]').getByTestId("drill-validation")).toContainText("Drill (mass-failure)");
  await expect.poll(async () => (await simulator("/admin/scenario")).active.length, { timeout: 10_000 }).toBe(0);
});
