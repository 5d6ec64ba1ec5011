import { expect, test } from "@playwright/test";
import { pageAs } from "./support";

test("sign-off and skip rules are enforced by the server and visible on the record", async ({ browser }) => {
  const sre = await pageAs(browser, "sre");
  const owner = await pageAs(browser, "repo-owner");
  const ic = await pageAs(browser, "incident-commander");

  await sre.goto("/runbooks/RB-CORE-001");
  await sre.getByRole("button", { name: "Start run" }).click();
  await sre.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
  const runPath = new URL(sre.url()).pathname;
  const runId = runPath.split("/").pop()!;

  // A repo owner gets no sign-off control for an SRE step, and the server refuses a direct call (and records it).
  await owner.goto(runPath);
  await expect(owner.getByTestId("step-triage")).toContainText("Waiting for SRE to sign off this step.");
  await expect(owner.getByTestId("step-triage").getByRole("button", { name: /Sign off/ })).toHaveCount(0);
  const refused = await owner.request.post(`/api/runs/${runId}/steps/triage`, { data: { op: "sign" } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toMatch(/signed off by SRE/);

  // A skip by anyone but the incident commander is refused.
  const noSkip = await sre.request.post(`/api/runs/${runId}/steps/triage`, { data: { op: "skip", reason: "looks fine" } });
  expect(noSkip.status()).toBe(403);

  // Both refusals are on the run's timeline for everyone.
  const timeline = sre.getByTestId("run-timeline");
  await expect(timeline).toContainText("Rui Costa was refused (run.step.signed)", { timeout: 5_000 });
  await expect(timeline).toContainText("Sam Rivera was refused (run.step.skipped)");

  // The incident commander skips with a reason; it shows in the timeline and on the step.
  await ic.goto(runPath);
  const triage = ic.getByTestId("step-triage");
  await triage.getByText("Skip this step (incident commander)").click();
  await triage.getByLabel("Reason for skipping").fill("Triaged on the incident bridge already");
  await triage.getByRole("button", { name: "Skip step 1" }).click();
  await expect(ic.getByTestId("step-triage")).toContainText("Skipped by Ines Carter: Triaged on the incident bridge already");
  await expect(timeline).toContainText("skipped triage: Triaged on the incident bridge already", { timeout: 5_000 });
  await expect(sre.locator('[aria-current="step"]')).toContainText("Diagnosis");
});
