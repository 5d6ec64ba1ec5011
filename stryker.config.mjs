/**
 * Mutation testing (`npm run test:mutation`): StrykerJS makes small defects in the modules that carry the portal's
 * promises and checks that the unit tests notice each one. Scores and the reasons for every surviving mutant are in
 * docs/benchmarks.md. Not part of `npm test`: it takes several minutes on two cores.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  coverageAnalysis: "perTest",
  concurrency: 2,
  mutate: [
    "lib/runs/machine.ts",
    "lib/auth/permissions.ts",
    "lib/actions/safe-action.ts",
    "lib/audit/hash-core.ts",
    "lib/audit/chain.ts",
    "lib/telemetry/thresholds.ts",
    "lib/telemetry/mass-failure.ts",
    "lib/onboarding/impact.ts",
    // Modules added since that decide who may do what, or what may be stored:
    "lib/runs/ownership.ts",
    "lib/onboarding/access.ts",
    "lib/http/perimeter.ts",
    "lib/safe-redirect.ts",
    "lib/validation/secrets.ts",
    // Access administration and review (issue 13): who may change whose roles, and who held which role when.
    "lib/access/rules.ts",
    "lib/access/history.ts",
    "lib/access/review.ts",
    // Which control-plane actions are critical, and the outbox's floor for them (consent).
    "lib/control-plane/actions.ts",
  ],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
export default config;
