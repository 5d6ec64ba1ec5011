/**
 * After `stryker run`: the mutation score of each mutated module from reports/mutation/mutation.json, and a
 * non-zero exit when any module is under the goal (85 %). Stryker's own `thresholds.break` judges the total only;
 * a weak module can hide behind strong ones there.
 *
 *   tsx scripts/mutation-scores.ts [report.json] [--goal 85]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { goal: { type: "string", default: "85" } } });
const file = positionals[0] ?? "reports/mutation/mutation.json";
const goal = Number(values.goal);
const report = JSON.parse(readFileSync(file, "utf8")) as { files: Record<string, { mutants: { status: string }[] }> };

let below = 0;
console.log("| module | mutation score | killed | timed out | survived | no coverage |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const [path, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const n = (s: string) => mutants.filter((m) => m.status === s).length;
  const detected = n("Killed") + n("Timeout");
  const valid = detected + n("Survived") + n("NoCoverage");
  const score = valid ? (100 * detected) / valid : 100;
  if (score < goal) below++;
  console.log(`| \`${path}\` | mutation score: ${score.toFixed(1)} % | ${n("Killed")} | ${n("Timeout")} | ${n("Survived")} | ${n("NoCoverage")} |${score < goal ? " ← under the goal" : ""}`);
}
if (below) console.error(`${below} module(s) under the ${goal} % goal.`);
process.exit(below ? 1 : 0);
