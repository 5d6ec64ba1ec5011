/**
 * `npm run runbooks:check`: validates every runbook in runbooks/ and names the file, step and field of each problem;
 * then generates the onboarding alert rules for a sample repo and fails if a rule names a runbook that does not exist.
 */
import path from "node:path";
import { loadRunbookDir } from "../lib/runbooks/loader";
import { SAMPLE_REPO, checkGeneratedAlertRules } from "../lib/onboarding/alert-rules";

const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "../runbooks"));
const { runbooks, errors } = loadRunbookDir(dir);
if (errors.length > 0) {
  console.error(`✗ ${errors.length} problem${errors.length === 1 ? "" : "s"} in ${path.relative(process.cwd(), dir) || dir}:`);
  for (const e of errors) console.error(`  ${e.message}`);
  process.exit(1);
}
console.log(`✓ ${runbooks.length} runbooks valid: ${runbooks.map((r) => r.id).join(", ")}`);
const ruleProblems = checkGeneratedAlertRules(runbooks.map((r) => r.id));
if (ruleProblems.length > 0) {
  console.error(`✗ ${ruleProblems.length} problem${ruleProblems.length === 1 ? "" : "s"} in the onboarding alert rules (sample repo ${SAMPLE_REPO}):`);
  for (const p of ruleProblems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`✓ onboarding alert rules name existing runbooks (sample repo ${SAMPLE_REPO})`);
