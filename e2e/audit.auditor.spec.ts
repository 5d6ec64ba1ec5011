import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { PEOPLE, csvComment } from "./support";

const auditor = PEOPLE.auditor.email;

test("an auditor signs heads, filters by action and actor, reads the before/after diff, verifies the chain and exports the view as CSV", async ({ page }) => {
  // Two heads on demand: the second event records the first head as "before" and the new one as "after".
  await page.goto("/audit");
  for (let i = 0; i < 2; i++) {
    await page.getByRole("button", { name: "Sign a head now" }).click();
    await expect(page.getByTestId("head-sign-result")).toContainText("Signed head #");
    await page.reload();
  }

  // Filter by action and actor through the form.
  await page.getByLabel("Action (exact, or a prefix like run.)").fill("audit.head.signed");
  await page.getByLabel("Actor (email, id or “system”)").fill(auditor);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await page.waitForURL(/action=audit\.head\.signed/);
  expect(new URL(page.url()).searchParams.get("actor")).toBe(auditor);
  const rows = page.getByTestId("audit-row");
  await expect(rows).not.toHaveCount(0);
  const shown = await rows.count();
  expect(shown).toBeGreaterThanOrEqual(2);
  for (const action of await page.getByTestId("audit-action").allTextContents()) expect(action).toBe("audit.head.signed");
  for (const actor of await page.getByTestId("audit-actor").allTextContents()) expect(actor).toBe(auditor);
  const seqs = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-seq")));

  // Export the filtered view as CSV: the file names the filter and holds exactly the rows shown.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  const csv = (await readFile((await download.path())!, "utf8")).trimEnd().split("\n");
  const meta = JSON.parse(csvComment(csv[0]).replace(/^# /, ""));
  expect(meta).toMatchObject({ format: "orchestrator-audit-export/v1", filter: { action: "audit.head.signed", actor: auditor }, scope: "all", exportedBy: auditor });
  expect(csv[1]).toBe("seq,at,actor_id,actor_email,actor_roles,action,outcome,target_type,target_id,request_id,details,prev_hash,hash");
  const data = csv.filter((l) => !l.startsWith('"#')).slice(1);
  expect(data.map((l) => l.split(",")[0])).toEqual([...seqs].reverse());
  for (const line of data) {
    const cells = line.split(",");
    expect(cells[3]).toBe(auditor);
    expect(cells[5]).toBe("audit.head.signed");
  }
  expect(csvComment(csv[csv.length - 1])).toBe(`# {"type":"end","count":${shown}}`);

  // The newest head signing shows what changed, key by key.
  await rows.first().getByRole("link").first().click();
  await expect(page.getByTestId("event-action")).toHaveText("audit.head.signed");
  await expect(page.getByTestId("event-actor")).toContainText(auditor);
  const diff = page.getByTestId("audit-diff");
  await expect(diff).toBeVisible();
  const seqRow = page.getByTestId("diff-row").filter({ has: page.getByText("seq", { exact: true }) });
  await expect(seqRow).toHaveAttribute("data-change", /changed|same/);
  await expect(page.getByTestId("diff-row").filter({ has: page.getByText("id", { exact: true }) })).toHaveAttribute("data-change", "changed");
  await expect(page.getByText("matches the content")).toBeVisible();

  // Verify the whole chain.
  await page.goto("/audit");
  await page.getByRole("button", { name: "Verify whole chain" }).click();
  const result = page.getByTestId("chain-verify-result");
  await expect(result).toContainText("Whole chain OK");
  expect(Number(await page.getByTestId("chain-verify-count").textContent())).toBeGreaterThan(shown);
  await expect(page.getByTestId("chain-verify-head")).toHaveText(/^[0-9a-f]{64}$/);
  // The heads signed above were also anchored outside the database, and the database still agrees with them.
  const anchors = page.getByTestId("anchor-check");
  await expect(anchors).toHaveAttribute("data-status", "ok");
  await expect(anchors).toContainText("Anchors agree");
  await expect(anchors).toContainText("audit-anchors.jsonl");
  // With AUDIT_VERIFY_PARALLEL_MIN_EVENTS=0 (server and tests) even this small log is hashed in worker threads, which
  // checks that the worker source survives the production build.
  if (process.env.AUDIT_VERIFY_PARALLEL_MIN_EVENTS === "0") await expect(page.getByTestId("chain-verify-path")).toContainText("worker threads");

  // The verification itself is on the record.
  await page.goto(`/audit?action=audit.chain.verified&actor=${encodeURIComponent(auditor)}`);
  await expect(page.getByTestId("audit-row").first()).toContainText("audit.chain.verified");
});

test("an exported head proves the log was only appended to since", async ({ page }) => {
  await page.goto("/audit/heads");
  await page.getByRole("button", { name: "Sign a head now" }).click();
  await expect(page.getByTestId("head-sign-result")).toContainText("Signed head #");
  await page.reload();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("head-row").first().getByRole("link", { name: "Export JSON" }).click()]);
  const head = await readFile((await download.path())!, "utf8");
  expect(JSON.parse(head)).toMatchObject({ format: "orchestrator-audit-head/v1", hash: expect.stringMatching(/^[0-9a-f]{64}$/) });

  await page.getByLabel("Exported head (JSON), or an evidence bundle").fill(head);
  await page.getByRole("button", { name: "Verify against this head" }).click();
  await expect(page.getByTestId("head-check-result")).toContainText("Only appended to");

  await page.getByLabel("Exported head (JSON), or an evidence bundle").fill(head.replace(/"hmac": ?"[0-9a-f]/, (m) => m.slice(0, -1) + (m.endsWith("0") ? "1" : "0")));
  await page.getByRole("button", { name: "Verify against this head" }).click();
  await expect(page.getByTestId("head-check-result")).toContainText("Not signed here");
});
