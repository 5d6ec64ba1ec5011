import { expect, test } from "@playwright/test";
import { recordLayoutShifts, simulator, startRunAndSendPrune } from "./support";

test("when the control plane is unreachable the pages still work, a banner says so, and a queued command is delivered once it is back", async ({ page }) => {
  test.setTimeout(90_000);
  const before: number = (await simulator("/admin/effects")).byAction["set-context-pruning"] ?? 0;
  const layoutShift = await recordLayoutShifts(page);
  await page.goto("/runbooks/RB-CORE-002");
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toBeVisible();
  // Measured once the page has settled: what it reads after loading may still move it, banner or not.
  await page.waitForLoadState("networkidle");
  const startButton = page.getByRole("button", { name: "Start run" });
  const placed = { heading: (await heading.boundingBox())!.y, start: (await startButton.boundingBox())!.y };
  const shiftedBefore = await layoutShift();
  await simulator("/admin/faults", { body: { rules: [{ target: "all", phase: "before", kind: "drop", probability: 1 }] } });
  try {
    const banner = page.getByTestId("control-plane-banner");
    await expect(banner).toContainText("Control plane unreachable", { timeout: 15_000 });
    // It comes while someone may be about to tap: nothing on the page moves, and it is in view at the bottom.
    expect({ heading: (await heading.boundingBox())!.y, start: (await startButton.boundingBox())!.y }, "the page moved when the banner came").toEqual(placed);
    expect(await layoutShift(), "layout shift when the banner came").toBe(shiftedBefore);
    const box = (await banner.boundingBox())!;
    expect(Math.round(box.y + box.height), "the banner sits at the bottom of the screen").toBe(page.viewportSize()!.height);
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
