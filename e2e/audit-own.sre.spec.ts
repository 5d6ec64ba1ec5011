import { expect, test } from "@playwright/test";
import { PEOPLE, csvComment, pageAs } from "./support";

const me = PEOPLE.sre.email;
const other = PEOPLE.sre2.email;

test("an SRE sees only their own actions: in the list, the detail pages, the API and the export", async ({ page, browser }) => {
  // Someone else acts too (a second SRE starts a run), and so do I.
  const jordan = await pageAs(browser, "sre2");
  const theirs = await jordan.request.post("/api/runs", { data: { runbookId: "RB-CORE-001" } });
  expect(theirs.status()).toBe(201);
  await jordan.context().close();
  const mine = await page.request.post("/api/runs", { data: { runbookId: "RB-CORE-001" } });
  expect(mine.status()).toBe(201);

  await page.goto("/audit");
  await expect(page.getByTestId("audit-scope")).toContainText("your own actions only");
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  for (const actor of await page.getByTestId("audit-actor").allTextContents()) expect(actor).toBe(me);
  await expect(page.getByLabel("Actor (email, id or “system”)")).toHaveCount(0);

  // Asking for the other person's actions by URL shows nothing.
  await page.goto(`/audit?actor=${encodeURIComponent(other)}`);
  await expect(page.getByTestId("audit-row")).toHaveCount(0);
  await expect(page.getByText("No events match.")).toBeVisible();

  // The JSON API answers in the same scope.
  const api = await (await page.request.get(`/api/audit/events?action=run.start`)).json();
  expect(api.scope).toBe("own");
  expect(api.events.length).toBeGreaterThan(0);
  expect(new Set(api.events.map((e: { actorEmail: string }) => e.actorEmail))).toEqual(new Set([me]));

  // Their event exists (the seeded auditor can see it) but is not found for me.
  const auditor = await pageAs(browser, "auditor");
  const all = await (await auditor.request.get(`/api/audit/events?action=run.start&actor=${encodeURIComponent(other)}`)).json();
  await auditor.context().close();
  const theirSeq = all.events[0].seq as string;
  expect((await page.request.get(`/api/audit/events/${theirSeq}`)).status()).toBe(404);
  const detail = await page.goto(`/audit/${theirSeq}`);
  expect(detail?.status()).toBe(404);

  // The export holds my actions only and says so.
  const csv = (await (await page.request.get("/api/audit/export?format=csv&action=run.")).text()).trimEnd().split("\n");
  expect(JSON.parse(csvComment(csv[0]).slice(2))).toMatchObject({ scope: "own", filter: { action: "run." }, exportedBy: me });
  const rows = csv.filter((l) => !l.startsWith('"#')).slice(1);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row.split(",")[3]).toBe(me);

  // An evidence bundle (everyone's actions) is refused, and the refusal is on my record.
  const bundle = await page.request.get("/api/audit/bundle?incident=00000000-0000-4000-8000-000000000000&format=json");
  expect(bundle.status()).toBe(403);
  await page.goto("/audit?action=audit.exported&outcome=refused");
  await expect(page.getByTestId("audit-row").first()).toContainText("refused");
});
