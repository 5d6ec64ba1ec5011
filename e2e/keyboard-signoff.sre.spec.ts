import { expect, test, type Page } from "@playwright/test";
import { consoleProblems } from "./support";

/** What has the keyboard focus: its accessible-ish name, and whether the browser draws a focus indicator on it. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { name: "", tag: "", indicator: false };
    const style = getComputedStyle(el);
    const indicator = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
    return { name: (el.getAttribute("aria-label") ?? el.textContent ?? "").trim(), tag: el.tagName.toLowerCase(), indicator };
  });

test("a step is signed off with the keyboard alone: skip link, Tab to the notes and the button, Enter", async ({ page }) => {
  const problems = consoleProblems(page);
  const res = await page.request.post("/api/runs", { data: { runbookId: "RB-CORE-004" } });
  expect(res.status()).toBe(201);
  const runId = ((await res.json()) as { data: { runId: string } }).data.runId;
  await page.goto(`/runs/${runId}`);
  await expect(page.getByRole("button", { name: "Sign off step 1" })).toBeEnabled();

  // The first Tab reaches the skip link; Enter moves on to the page's content, past the header and the nav.
  await page.keyboard.press("Tab");
  expect((await focused(page)).name).toBe("Skip to content");
  await page.keyboard.press("Enter");

  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (now.tag === "textarea") await page.keyboard.type("checked by keyboard");
    reached = now.name === "Sign off step 1";
    if (reached) expect(now.indicator, "the focused sign-off button shows a focus indicator").toBe(true);
  }
  expect(reached, "Tab reaches the sign-off button within 40 presses after the skip link").toBe(true);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("step-confirm-scope")).toContainText("done");
  await expect(page.getByTestId("step-confirm-scope")).toContainText("checked by keyboard");
  expect(problems).toEqual([]);
});
