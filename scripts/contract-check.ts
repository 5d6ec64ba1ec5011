/**
 * `npm run contract:check -- --url <control-plane> [--token …] [--write] [--timeout-ms 10000]`: checks a control
 * plane against the portal's contract (docs/openapi/control-plane.json), one line per check, and exits non-zero when
 * any check fails. Read-only by default; `--write` also sends actions that change nothing, with idempotency keys
 * starting `contract-check-`. See docs/control-plane.md ("Checking a control plane").
 *   --url / CONTROL_PLANE_URL       the control plane's base URL
 *   --token / CONTROL_PLANE_TOKEN   bearer token, if it needs one (never printed)
 */
import { parseArgs } from "node:util";
import { formatResult, runContractChecks } from "../lib/control-plane/contract-check";

const usage = "usage: npm run contract:check -- --url <control-plane URL> [--token <bearer>] [--write] [--timeout-ms <ms>]";
let values: { url?: string; token?: string; write?: boolean; "timeout-ms"?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { url: { type: "string" }, token: { type: "string" }, write: { type: "boolean" }, "timeout-ms": { type: "string" }, help: { type: "boolean", short: "h" } },
  }));
} catch (e) {
  console.error(`${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const url = values.url ?? process.env.CONTROL_PLANE_URL;
if (!url || !/^https?:\/\/[^/]/.test(url)) {
  console.error(`${url ? `Not an http(s) URL: ${url}` : "Give the control plane's URL with --url (or CONTROL_PLANE_URL)."}\n${usage}`);
  process.exit(2);
}
const timeoutMs = values["timeout-ms"] ? Number(values["timeout-ms"]) : undefined;
if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 100)) {
  console.error(`--timeout-ms must be a whole number of milliseconds, at least 100.\n${usage}`);
  process.exit(2);
}

console.log(`Checking ${url} against the control-plane contract (${values.write ? "reads and no-op actions" : "read-only; --write also sends no-op actions"})`);
const report = await runContractChecks({
  url,
  token: values.token ?? process.env.CONTROL_PLANE_TOKEN,
  write: values.write,
  timeoutMs,
  onResult: (r) => console.log(formatResult(r)),
});
console.log(`\n${report.passed} passed, ${report.failed} failed${report.skipped ? `, ${report.skipped} skipped` : ""}: ${report.ok ? "the control plane keeps the contract" : "the control plane breaks the contract"}`);
process.exit(report.ok ? 0 : 1);
