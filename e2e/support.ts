import pg from "pg";
import { expect, type Browser, type Page } from "@playwright/test";
import { databaseUrl } from "../tests/support/test-postgres";

/** The seeded people the role projects sign in as. */
export const PEOPLE = {
  sre: { name: "Sam Rivera", email: "sam.rivera@ops.example" },
  sre2: { name: "Jordan Lee", email: "jordan.lee@ops.example" },
  "incident-commander": { name: "Ines Carter", email: "ines.carter@ops.example" },
  infosec: { name: "Omar Haddad", email: "omar.haddad@ops.example" },
  infosec2: { name: "Mei Tanaka", email: "mei.tanaka@ops.example" },
  "engineering-tl": { name: "Priya Natarajan", email: "priya.natarajan@ops.example" },
  business: { name: "Ben Ortiz", email: "ben.ortiz@ops.example" },
  product: { name: "Lena Fischer", email: "lena.fischer@ops.example" },
  "repo-owner": { name: "Rui Costa", email: "rui.costa@ops.example" },
  auditor: { name: "Ada Mensah", email: "ada.mensah@ops.example" },
} as const;

export async function signInAs(page: Page, person: { name: string }) {
  await page.goto("/signin");
  await page.getByRole("button", { name: new RegExp(`^Sign in as ${person.name}`) }).click();
  await page.waitForURL("/");
  await expect(page.getByTestId("signed-in-name")).toHaveText(person.name);
}

/** SQL against the portal's test database (local only), for set-up a person could not do through the UI. */
export async function sql(text: string, params: unknown[] = []) {
  const admin = process.env.PORTAL_TEST_PG_URL;
  if (!admin) throw new Error("PORTAL_TEST_PG_URL is not set");
  const client = new pg.Client({ connectionString: databaseUrl(admin, process.env.E2E_DB_NAME!) });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

/** The control-plane simulator behind the portal under test (admin API: scenarios, faults, effects). */
export const simulatorUrl = () => `http://127.0.0.1:${process.env.E2E_SIMULATOR_PORT ?? "3124"}`;

export async function simulator(path: string, init?: { method?: string; body?: unknown }) {
  const res = await fetch(`${simulatorUrl()}${path}`, {
    method: init?.method ?? (init?.body ? "POST" : "GET"),
    headers: init?.body ? { "content-type": "application/json" } : undefined,
    body: init?.body ? JSON.stringify(init.body) : undefined,
  });
  if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status}`);
  return res.json();
}

/** A page in a fresh browser context signed in as one of the saved role sessions (for tests with several people). */
export async function pageAs(browser: Browser, role: keyof typeof PEOPLE): Promise<Page> {
  const context = await browser.newContext({ storageState: `${process.env.E2E_AUTH_DIR ?? "e2e/.auth"}/${role}.json` });
  return context.newPage();
}

/** The text of a CSV export's comment line (meta or end): one quoted cell, `"# {…}"`, unquoted. */
export const csvComment = (line: string) => (line.startsWith('"') ? line.slice(1, -1).replaceAll('""', '"') : line);
