import { expect, test } from "@playwright/test";
import { pageAs as as, simulator, simulatorUrl } from "./support";

test("RB-LAUNCH-002 end to end: GO with criteria, the two-person rule, and the rollback delivered to the control plane", async ({ browser }) => {
  // Four people's pages and a command through the outbox: 31 s of 60 on a saturated machine (docs/benchmarks.md).
  test.setTimeout(90_000);
  const ic = await as(browser, "incident-commander");
  const sre = await as(browser, "sre");
  const sre2 = await as(browser, "sre2");

  // The incident commander starts the run and decides GO.
  await ic.goto("/runbooks/RB-LAUNCH-002");
  await ic.getByRole("button", { name: "Start run" }).click();
  await ic.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = new URL(ic.url()).pathname;
  await sre.goto(runUrl);

  const decision = ic.getByTestId("decision-form");
  await decision.getByLabel("P1 incident affecting ≥5 repos").check();
  await decision.getByLabel("Root cause unknown after 15 min investigation").check();
  await decision.getByLabel("Reason").fill("Six Phase 6 repos failing, cause unknown after 15 minutes");
  await decision.getByRole("button", { name: "GO", exact: true }).click();
  await expect(ic.getByTestId("step-go-no-go")).toContainText("Decided GO by Ines Carter");

  // The SRE sees the decision without reloading, and signs off the pre-rollback check.
  await expect(sre.getByTestId("step-go-no-go")).toContainText("Decided GO by Ines Carter", { timeout: 3_000 });
  await sre.getByTestId("step-pre-rollback").getByLabel("Notes (optional)").fill("Settings snapshot attached");
  await sre.getByTestId("step-pre-rollback").getByRole("button", { name: /Sign off step 2/ }).click();
  await expect(sre.getByTestId("step-pre-rollback")).toContainText("Signed off by Sam Rivera");

  // The SRE requests the rollback; their own approval is refused by the server.
  const allowlist = sre.getByTestId("step-set-allowlist-pilot");
  await allowlist.getByRole("button", { name: "Request (needs two approvals)" }).click();
  await expect(allowlist.getByTestId("approval-count")).toContainText("Approvals: 0 of 2");
  await allowlist.getByRole("button", { name: "Approve this exact request" }).click();
  await expect(allowlist.getByRole("alert")).toContainText("You requested this action, so you cannot also approve it");

  // Two other people approve: the incident commander, then a second SRE.
  const icStep = ic.getByTestId("step-set-allowlist-pilot");
  await icStep.getByRole("button", { name: "Approve this exact request" }).click();
  await expect(icStep.getByTestId("approval-count")).toContainText("Approvals: 1 of 2");
  const sre2Page = sre2;
  await sre2Page.goto(runUrl);
  await sre2Page.getByTestId("step-set-allowlist-pilot").getByRole("button", { name: "Approve this exact request" }).click();

  // The command goes out through the outbox; both viewers see it succeed without reloading.
  for (const page of [sre, ic]) {
    await expect(page.getByTestId("step-set-allowlist-pilot").getByTestId("command-state")).toContainText("succeeded", { timeout: 10_000 });
  }
  const effects = await simulator("/admin/effects");
  expect(effects.byAction["rollback-to-pilot"]).toBe(1);
  expect(effects.duplicates ?? []).toEqual([]);
  const settings = await fetch(`${simulatorUrl()}/v1/settings`).then((r) => r.json());
  expect(settings.allowlist.map((a: { repo: string }) => a.repo)).toEqual(["compliance-service"]);

  // The timeline shows the decision, the approvals and the control plane's answer.
  const timeline = ic.getByTestId("run-timeline");
  await expect(timeline).toContainText("decided GO at go-no-go");
  await expect(timeline).toContainText("approved set-allowlist-pilot (2/2), command sent");
  await expect(timeline).toContainText("control plane applied rollback-to-pilot");
  await expect(timeline).toContainText("was refused");
});
