import { expect, test } from "@playwright/test";
import { simulator, startRunAndSendPrune } from "./support";

test("a command the control plane asks to wait an hour for is held for a person, who retries it now", async ({ page }) => {
  test.setTimeout(90_000);
  const before: number = (await simulator("/admin/effects")).byAction["set-context-pruning"] ?? 0;
  await simulator("/admin/faults", { body: { rules: [{ target: "actions", kind: "rate-limit", retryAfterSeconds: 3600, provider: "openai" }] } });
  try {
    await page.goto("/runbooks/RB-CORE-002");
    const prune = await startRunAndSendPrune(page);

    // Held, said plainly; nothing on the step offers to send it again meanwhile.
    await expect(prune.getByTestId("held-reason")).toHaveText("The control plane asked to wait 3600 s; retry now or abandon.", { timeout: 20_000 });
    await expect(prune).toContainText("needs a decision");
    await expect(prune.getByRole("button", { name: /Send command|Send the command again/ })).toHaveCount(0);
    await expect(prune).not.toContainText("command in flight");
  } finally {
    await simulator("/admin/faults", { method: "DELETE" });
  }
  const prune = page.getByTestId("step-prune-repo");
  await prune.getByLabel("Reason (for the audit log)").fill("OpenAI limit cleared, retrying");
  await prune.getByRole("button", { name: "Retry now" }).click();
  await expect(prune.getByTestId("command-state")).toContainText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("held-command")).toHaveCount(0);
  expect((await simulator("/admin/effects")).byAction["set-context-pruning"]).toBe(before + 1);
});
