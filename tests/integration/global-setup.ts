import type { TestProject } from "vitest/node";
import { failRunIfThrows } from "../support/global-teardown";
import { startTestPostgres } from "../support/test-postgres";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

/** Uses the run's server when `npm test` provides one (PORTAL_TEST_PG_URL), else starts one for this run. */
export default async function setup(project: TestProject) {
  if (process.env.PORTAL_TEST_PG_URL) {
    project.provide("pgAdminUrl", process.env.PORTAL_TEST_PG_URL);
    return;
  }
  const pg = await startTestPostgres();
  project.provide("pgAdminUrl", pg.adminUrl);
  return failRunIfThrows(() => pg.stop());
}
