import { expect, test } from "@playwright/test";
import { pageAs, simulator, sql } from "./support";

test("the mass-failure scenario opens exactly one incident on the commander's dashboard; RB-LAUNCH-005 started from it is linked", async ({ browser }) => {
  test.setTimeout(60_000);
  const ic = await pageAs(browser, "incident-commander");
  await ic.goto("/incidents");
  const before = Number((await sql(`SELECT count(*) FROM incident WHERE source = 'DETECTOR'`)).rows[0].count);

  await simulator("/admin/scenario", { body: { scenario: "mass-failure" } });
  // Simulated time moves so failing flows finish; the detector polls every second.
  await simulator("/admin/clock", { body: { advanceMs: 90_000 } });
  try {
    const incident = ic.getByTestId("open-incident").filter({ hasText: "Mass failure" });
    await expect(incident).toHaveCount(1, { timeout: 20_000 });
    await expect(incident).toContainText("P1");
    await expect(incident.getByTestId("incident-clock")).toContainText("/ 15 min");

    // More polls and more failures: still one incident for this episode.
    await simulator("/admin/clock", { body: { advanceMs: 60_000 } });
    await ic.waitForTimeout(3_000);
    expect(Number((await sql(`SELECT count(*) FROM incident WHERE source = 'DETECTOR'`)).rows[0].count)).toBe(before + 1);
    await expect(ic.getByTestId("open-incident").filter({ hasText: "Mass failure" })).toHaveCount(1);

    await incident.getByRole("link", { name: /Mass failure/ }).click();
    await expect(ic.getByTestId("suggested-runbook")).toContainText("RB-LAUNCH-005");
    const incidentPath = new URL(ic.url()).pathname;
    await ic.getByRole("button", { name: "Start RB-LAUNCH-005 for this incident" }).click();
    await ic.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = ic.url().split("/").pop()!;
    const linked = await sql(`SELECT "incidentId" FROM run WHERE id = $1`, [runId]);
    expect(linked.rows[0].incidentId).toBe(incidentPath.split("/").pop());
    await ic.goto(incidentPath);
    await expect(ic.getByTestId("linked-runs")).toContainText("RB-LAUNCH-005 Mass Failure");
    await ic.goto("/incidents");
    await expect(ic.getByTestId("runs-in-progress")).toContainText("RB-LAUNCH-005");
  } finally {
    await simulator("/admin/scenario", { method: "DELETE" });
  }
});
