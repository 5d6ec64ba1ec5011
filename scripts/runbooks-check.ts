/** `npm run runbooks:check`: validates every runbook in runbooks/ and names the file, step and field of each problem. */
import path from "node:path";
import { loadRunbookDir } from "../lib/runbooks/loader";

const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "../runbooks"));
const { runbooks, errors } = loadRunbookDir(dir);
if (errors.length > 0) {
  console.error(`✗ ${errors.length} problem${errors.length === 1 ? "" : "s"} in ${path.relative(process.cwd(), dir) || dir}:`);
  for (const e of errors) console.error(`  ${e.message}`);
  process.exit(1);
}
console.log(`✓ ${runbooks.length} runbooks valid: ${runbooks.map((r) => r.id).join(", ")}`);
