/**
 * The portal as Playwright's webServer: a fresh database (from the test run's template) seeded with the seeded
 * people, then `next start` on the production build with the seeded-person sign-in forced on.
 * Needs PORTAL_TEST_PG_URL (set by `npm test`); refuses a non-local database.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { createDb } from "../lib/db";
import { seedDatabase } from "../prisma/seed-db";
import { startSimulator } from "../simulator/server";
import { assertLocal, createTestDatabase } from "../tests/support/test-postgres";

const adminUrl = process.env.PORTAL_TEST_PG_URL;
const port = process.env.E2E_PORT ?? "3123";
if (!adminUrl) {
  console.error("PORTAL_TEST_PG_URL is not set: run the browser tests through `npm test` or `npm run test:e2e`.");
  process.exit(1);
}
assertLocal(adminUrl);

const url = await createTestDatabase(adminUrl, process.env.E2E_DB_NAME);
const client = createDb(url);
await seedDatabase(client);
await client.$disconnect();

// A simulator of the control plane for this test run; tests drive its scenarios through E2E_SIMULATOR_URL.
const simulator = await startSimulator({ port: process.env.E2E_SIMULATOR_PORT ? Number(process.env.E2E_SIMULATOR_PORT) : undefined, seed: 7 });

const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
const child = spawn(process.execPath, [nextBin, "start", "-p", port, "-H", "127.0.0.1"], {
  stdio: "inherit",
  env: {
    ...process.env,
    DATABASE_URL: url,
    CONTROL_PLANE_URL: simulator.url,
    SIMULATOR_URL: simulator.url,
    ALERTMANAGER_WEBHOOK_TOKEN: process.env.E2E_ALERT_TOKEN ?? "e2e-alertmanager-token",
    PORTAL_RELAY_INTERVAL_MS: "200",
    PORTAL_JOBS_INTERVAL_MS: "1000",
    // A test database, not the embedded one: passwordless sign-in must be forced (every page shows a banner).
    PORTAL_DEV_SIGN_IN: "force",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    AUDIT_HMAC_KEY: randomBytes(32).toString("base64url"),
    // This run's heads are anchored in a file of its own, never the laptop's .data/audit-anchors.jsonl.
    AUDIT_ANCHOR_FILE: path.join(mkdtempSync(path.join(tmpdir(), "portal-e2e-anchor-")), "audit-anchors.jsonl"),
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  },
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill("SIGTERM"));
child.on("exit", (code) => void simulator.stop().finally(() => process.exit(code ?? 0)));
