/**
 * A vitest reporter that writes every test's duration and timeout to $PORTAL_TIMINGS_DIR/<project>.json, so
 * `npm test` can list the slowest tests and how close each came to its timeout (scripts/test-all.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Reporter, TestCase, TestModule } from "vitest/node";

export type Timing = { runner: string; file: string; name: string; ms: number; timeoutMs: number };

/** The test's own timeout (`it(…, { timeout })`) lives on its internal task; the project's testTimeout otherwise. */
function timeoutOf(test: TestCase): number {
  const task = (test as unknown as { task?: { timeout?: number } }).task;
  return task?.timeout || test.project.config.testTimeout;
}

export default class TimingReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const dir = process.env.PORTAL_TIMINGS_DIR;
    if (!dir) return;
    const byProject = new Map<string, Timing[]>();
    for (const testModule of modules) {
      for (const test of testModule.children.allTests()) {
        const ms = test.diagnostic()?.duration;
        if (ms === undefined) continue;
        const runner = testModule.project.name || "vitest";
        const list = byProject.get(runner) ?? [];
        list.push({ runner, file: path.relative(process.cwd(), testModule.moduleId), name: test.fullName, ms, timeoutMs: timeoutOf(test) });
        byProject.set(runner, list);
      }
    }
    mkdirSync(dir, { recursive: true });
    for (const [runner, list] of byProject) writeFileSync(path.join(dir, `${runner}.json`), JSON.stringify(list));
  }
}
