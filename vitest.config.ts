import { defineConfig } from "vitest/config";
import path from "node:path";
import { tmpdir } from "node:os";
import { ISOLATED_UNIT_TESTS } from "./tests/support/isolated-unit-tests.mjs";

const alias = { "@": path.resolve(import.meta.dirname) };

/**
 * The runner self-test (tests/self-test/check-runners.ts) runs each project on one fixture that fails on purpose.
 * Fixtures are named *.vitest-fixture.ts, which no project's `include` matches; only PORTAL_SELF_TEST_FIXTURE puts
 * one in (and adds a global set-up that can throw), so normal runs never collect them.
 */
const fixture = process.env.PORTAL_SELF_TEST_FIXTURE;
const ISOLATED = ISOLATED_UNIT_TESTS;
const selfTest = (include: string[], globalSetup: string[] = []) =>
  fixture ? { include: [fixture], globalSetup: [...globalSetup, "tests/self-test/fixtures/global-hooks.ts"] } : { include, globalSetup };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        // Pure modules: one module graph per worker thread, not one per file (13 s instead of 40 s on two cores:
        // docs/benchmarks.md, "CI budget"). Files that mock modules or change process.env run
        // isolated (tests/support/isolated-unit-tests.mjs).
        test: {
          name: "unit",
          ...selfTest(["lib/**/*.test.ts", "scripts/**/*.test.ts", "simulator/**/*.test.ts"]),
          exclude: ISOLATED,
          environment: "node",
          pool: "threads",
          isolate: false,
        },
      },
      {
        resolve: { alias },
        test: { name: "unit-isolated", ...(fixture ? { include: [] } : { include: ISOLATED }), environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          ...selfTest(["tests/integration/**/*.test.ts"], ["tests/integration/global-setup.ts"]),
          environment: "node",
          testTimeout: 30_000,
          // Tests never anchor into the laptop's .data/ (useFreshDatabase gives each file an anchor file of its own).
          env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", AUDIT_ANCHOR_FILE: path.join(tmpdir(), "portal-test-anchors", "audit-anchors.jsonl") },
          hookTimeout: 60_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
