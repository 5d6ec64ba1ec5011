import { expect, test } from "@playwright/test";
import { simulator, startRunAndSendPrune } from "./support";

test("when the control plane is unreachable the pages still work, a banner says so, and a queued command is delivered once it is back", async ({ page }) => {
  test.setTimeout(90_000);
  const before: number = (await simulator("/admin/effects")).byAction["set-context-pruning"] ?? 0;
  await simulator("/admin/faults", { body: { rules: [{ target: "all", phase: "before", kind: "drop", probability: 1 }] } });
  try {
    await page.goto("/runbooks/RB-CORE-002");
    await expect(page.getByTestId("control-plane-banner")).toContainText("Control plane unreachable", { timeout: 15_000 });
    // Everything else keeps working: start a run and request a control-plane action; it waits in the outbox.
    const prune = await startRunAndSendPrune(page);
    await expect(prune.getByTestId("command-state")).toContainText(/pending|sending/);
    // On its way: the step says so, and offers no second "Send command" (which would only be refused).
    await expect(prune.getByTestId("command-on-its-way")).toBeVisible();
    await expect(prune.getByRole("button", { name: "Send command" })).toHaveCount(0);
    await expect(prune.getByTestId("command-state")).toContainText(/attempt/, { timeout: 10_000 });
  } finally {
    await simulator("/admin/faults", { method: "DELETE" });
  }
  // Back: the banner goes, and the queued command is delivered exactly once.
  await expect(page.getByTestId("control-plane-banner")).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId("step-prune-repo").getByTestId("command-state")).toContainText("succeeded", { timeout: 40_000 });
  const effects = await simulator("/admin/effects");
  expect(effects.byAction["set-context-pruning"]).toBe(before + 1);
});
