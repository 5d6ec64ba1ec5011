import path from "node:path";
import { loadRunbookDir, type Runbook } from "./loader";

export type { Runbook, RunbookStep } from "./loader";

let cache: { byId: Map<string, Runbook>; list: Runbook[] } | undefined;

/** The runbooks in `runbooks/` (RUNBOOKS_DIR overrides), loaded once per process. A broken file fails loudly. */
function load() {
  if (cache) return cache;
  const dir = process.env.RUNBOOKS_DIR ?? path.join(process.cwd(), "runbooks");
  const { runbooks, errors } = loadRunbookDir(dir);
  if (errors.length > 0) {
    throw new Error(`Invalid runbooks (run \`npm run runbooks:check\`):\n${errors.map((e) => `  ${e.message}`).join("\n")}`);
  }
  cache = { byId: new Map(runbooks.map((r) => [r.id, r])), list: runbooks };
  return cache;
}

export function listRunbooks(): Runbook[] {
  return load().list;
}

export function getRunbook(id: string): Runbook | undefined {
  return load().byId.get(id);
}
