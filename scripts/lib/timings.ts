/**
 * Test timings written during `npm test` (vitest: tests/support/timing-reporter.ts; Playwright: its JSON reporter),
 * read back to list the slowest tests and the share of its timeout each used. A test past half its timeout is
 * flagged: on a loaded two-core machine it is the next flaky one.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Timing } from "../../tests/support/timing-reporter";

type PwSuite = { file?: string; title?: string; specs?: PwSpec[]; suites?: PwSuite[] };
type PwSpec = { title: string; file: string; tests: { timeout: number; projectName: string; results: { duration: number }[] }[] };

function playwrightTimings(report: { suites?: PwSuite[] }): Timing[] {
  const out: Timing[] = [];
  const walk = (suite: PwSuite, titles: string[]) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        for (const r of t.results) {
          out.push({ runner: `e2e:${t.projectName}`, file: `e2e/${spec.file}`, name: [...titles, spec.title].join(" > "), ms: r.duration, timeoutMs: t.timeout });
        }
      }
    }
    for (const child of suite.suites ?? []) walk(child, child.title && !child.file?.endsWith(child.title) ? [...titles, child.title] : titles);
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return out;
}

export function readTimings(dir: string): Timing[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) => {
      const data = JSON.parse(readFileSync(path.join(dir, f), "utf8"));
      return f.startsWith("e2e-") ? playwrightTimings(data) : (data as Timing[]);
    });
}

/** The slowest `n` tests with the share of their timeout, then every other test over half its timeout, by name. */
export function slowestReport(timings: Timing[], n: number): string[] {
  if (timings.length === 0) return [];
  const share = (t: Timing) => (t.timeoutMs > 0 ? t.ms / t.timeoutMs : 0);
  const line = (t: Timing) => {
    const pct = Math.round(share(t) * 100);
    return `  ${(t.ms / 1000).toFixed(1).padStart(5)} s ${`${pct} %`.padStart(5)} of ${t.timeoutMs / 1000} s  ${t.runner.padEnd(16)} ${t.file} > ${t.name}${share(t) > 0.5 ? "  ← over half its timeout" : ""}`;
  };
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, n);
  const over = timings.filter((t) => share(t) > 0.5);
  const lines = [`\nSlowest ${n} of ${timings.length} tests (share of their timeout)`, ...slowest.map(line)];
  const alsoOver = over.filter((t) => !slowest.includes(t)).sort((a, b) => share(b) - share(a));
  if (alsoOver.length) lines.push("  and, not among them, over half their timeout:", ...alsoOver.map(line));
  if (over.length) lines.push(`  ${over.length} test(s) over half their timeout: make them smaller or split them.`);
  return lines;
}

export function printSlowest(timings: Timing[], n: number) {
  for (const l of slowestReport(timings, n)) console.log(l);
}
