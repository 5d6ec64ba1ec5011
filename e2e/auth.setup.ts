import { test as setup } from "@playwright/test";
import { PEOPLE, signInAs } from "./support";

// Every seeded person can sign in; the role projects reuse the saved sessions.
for (const [role, person] of Object.entries(PEOPLE)) {
  setup(`${person.name} (${role}) signs in`, async ({ page }) => {
    await signInAs(page, person);
    await page.context().storageState({ path: `${process.env.E2E_AUTH_DIR ?? "e2e/.auth"}/${role}.json` });
  });
}
