import { defineConfig } from "vitest/config";
import path from "node:path";

/**
 * The unit tests as one project, for StrykerJS (`npm run test:mutation`). Its vitest runner cannot drive the
 * multi-project vitest.config.ts (the dry run fails: "different 'maxWorkers' but same 'sequence.groupOrder'").
 */
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: { include: ["lib/**/*.test.ts"], environment: "node" },
});
