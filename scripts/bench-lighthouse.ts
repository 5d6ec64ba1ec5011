/**
 * Lighthouse performance scores of the pages people open under pressure, on desktop and on a phone (Lighthouse's
 * default mobile emulation: a mid-range phone on a slow 4G link, CPU slowed four times).
 *
 *   tsx scripts/bench-lighthouse.ts [<base URL>] [--runs 3] [--person "Sam Rivera"] [--pages /,/panels]
 *
 * Lighthouse is not a dependency of the portal: install it once in a directory of its own
 * (`npm i -E lighthouse@12.2.3`) and point LIGHTHOUSE_BIN at its `node_modules/.bin/lighthouse`. The portal must be
 * running its production build with passwordless sign-in (`npm start` on the embedded defaults). The script signs in
 * as a seeded person in Chromium, starts one run of RB-CORE-001 (so there is a run page to measure: this writes to
 * the portal's database), then runs Lighthouse on each page with that session's cookie and prints the median of
 * `--runs` runs per page and form factor.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { CHROMIUM_ARGS, chromiumLaunchOptions } from "../e2e/chromium";
import { signInAs } from "../e2e/support";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "3" }, person: { type: "string", default: "Sam Rivera" }, pages: { type: "string", default: "/,/runbooks,/incidents,/panels,/runs/<id>" } },
});
const base = (positionals[0] ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const runs = Number(values.runs);
const lighthouse = process.env.LIGHTHOUSE_BIN ?? "lighthouse";
const chromePath = process.env.CHROME_PATH ?? chromiumLaunchOptions.executablePath;
const chromeFlags = ["--headless=new", ...CHROMIUM_ARGS].join(" ");

const browser = await chromium.launch(chromiumLaunchOptions);
const page = await browser.newPage({ baseURL: base });
await signInAs(page, { name: values.person! });
const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
const started = await page.request.post(`${base}/api/runs`, { data: { runbookId: "RB-CORE-001" } });
if (started.status() !== 201) throw new Error(`starting a run answered ${started.status()}: ${await started.text()}`);
const runId = ((await started.json()) as { data: { runId: string } }).data.runId;
await browser.close();

const headersFile = path.join(mkdtempSync(path.join(tmpdir(), "lighthouse-")), "headers.json");
writeFileSync(headersFile, JSON.stringify({ Cookie: cookie }));

type Report = {
  categories: { performance: { score: number } };
  audits: Record<string, { numericValue?: number; details?: { items?: { resourceType?: string; transferSize?: number }[] } }>;
};
const run = promisify(execFile);
let failedRuns = 0;
async function measure(url: string, desktop: boolean) {
  const args = [url, "--quiet", "--only-categories=performance", "--output=json", "--output-path=stdout", `--chrome-flags=${chromeFlags}`, `--extra-headers=${headersFile}`];
  if (desktop) args.push("--preset=desktop");
  // Lighthouse 12.2.3 reads this Chromium's traces imperfectly: now and then a run ends with NO_NAVSTART and no
  // score (more often under mobile throttling). Such a run is repeated, up to three times, and counted.
  let r: Report | null = null;
  for (let attempt = 1; !r; attempt++) {
    const stdout = await run(lighthouse, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...(chromePath ? { CHROME_PATH: chromePath } : {}) } }).then(
      (o) => o.stdout,
      (e: { stdout?: string }) => e.stdout ?? "",
    );
    // A run that died while writing its report leaves cut-off JSON: counted and repeated like one without a score.
    let parsed: (Report & { runtimeError?: { code: string } }) | null = null;
    try {
      parsed = stdout ? (JSON.parse(stdout) as Report & { runtimeError?: { code: string } }) : null;
    } catch {
      parsed = null;
    }
    if (parsed && !parsed.runtimeError && parsed.categories.performance.score !== null) r = parsed;
    else {
      failedRuns++;
      if (attempt === 3) throw new Error(`${url}: Lighthouse gave no score three times (${parsed?.runtimeError?.code ?? "no report"})`);
    }
  }
  const script = r.audits["resource-summary"]?.details?.items?.find((i) => i.resourceType === "script");
  return {
    score: Math.round(r.categories.performance.score * 100),
    tbt: r.audits["total-blocking-time"]?.numericValue ?? NaN,
    lcp: r.audits["largest-contentful-paint"]?.numericValue ?? NaN,
    js: (script?.transferSize ?? 0) / 1024,
  };
}
const median = <T>(xs: T[], key: (x: T) => number) => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)];

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
console.log(`median of ${runs} Lighthouse run(s) per row`);
console.log("| page | form factor | score | Total Blocking Time (ms) | LCP (ms) | JS transferred (KiB) |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const p of values.pages!.split(",").map((x) => x.trim().replace("<id>", runId))) {
  for (const desktop of [true, false]) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await measure(`${base}${p}`, desktop));
    const m = median(results, (r) => r.score);
    console.log(`| ${p.startsWith("/runs/") ? "/runs/<id>" : p} | ${desktop ? "desktop" : "mobile"} | ${m.score} | ${m.tbt.toFixed(0)} | ${m.lcp.toFixed(0)} | ${m.js.toFixed(0)} |`);
  }
}
console.log(`Lighthouse runs repeated for want of a score: ${failedRuns}`);
console.log(`after: load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
