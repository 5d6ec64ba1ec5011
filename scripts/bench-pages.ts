/**
 * Measures a page as a browser gets it: time to first byte of the HTML over many requests (p50/p95), and the
 * page's transfer size (HTML + every script, style and font it loads, as encoded on the wire) from Chromium.
 *
 *   tsx scripts/bench-pages.ts <url> [<url> …] [--cookie "name=value"] [--requests 200]
 *
 * With --throughput, measures instead how many requests per second each page serves under load, one page after the
 * other in the same run (so a bare static Next page and the portal's pages are compared on the same machine state):
 * autocannon with --connections (50) for --duration seconds (10) after a 2 s warm-up, every answer must be 200.
 *
 *   tsx scripts/bench-pages.ts --throughput <url> [<url> …] [--cookie "name=value"] [--connections 50] [--duration 10]
 */
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { chromiumLaunchOptions } from "../e2e/chromium";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    cookie: { type: "string" },
    requests: { type: "string", default: "200" },
    throughput: { type: "boolean", default: false },
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
  },
});
const n = Number(values.requests);
const machine = () => `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;

type Cannon = (opts: { url: string; connections: number; duration: number; headers?: Record<string, string> }) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p97_5: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}>;

if (values.throughput) {
  const autocannon = createRequire(import.meta.url)("autocannon") as Cannon;
  const headers = values.cookie ? { cookie: values.cookie } : undefined;
  const connections = Number(values.connections);
  console.log(machine());
  console.log(`| page | req/s | p50 (ms) | p97.5 (ms) | p99 (ms) | requests | not 200 |`);
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const url of positionals) {
    await autocannon({ url, connections, duration: 2, headers });
    const r = await autocannon({ url, connections, duration: Number(values.duration), headers });
    const bad = r.non2xx + r.errors + r.timeouts;
    console.log(`| ${url} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p97_5} | ${r.latency.p99} | ${r.requests.total} | ${bad} |`);
  }
  console.log(`after: load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  process.exit(0);
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function ttfb(url: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const res = await fetch(url, { headers: values.cookie ? { cookie: values.cookie } : {}, redirect: "manual" });
    const reader = res.body!.getReader();
    await reader.read();
    times.push(performance.now() - start);
    await reader.cancel();
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  }
  return times.sort((a, b) => a - b);
}

const browser = await chromium.launch(chromiumLaunchOptions);

console.log(machine());
console.log("| page | TTFB p50 (ms) | TTFB p95 (ms) | transfer (KiB) | requests |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const url of positionals) {
  for (let i = 0; i < 20; i++) await fetch(url, { headers: values.cookie ? { cookie: values.cookie } : {} }).then((r) => r.arrayBuffer()); // warm-up
  const times = await ttfb(url);
  const context = await browser.newContext();
  if (values.cookie) {
    const [name, ...rest] = values.cookie.split("=");
    await context.addCookies([{ name, value: rest.join("="), url }]);
  }
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "networkidle" });
  const weight = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    const resources = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
    return { bytes: nav.encodedBodySize + resources.reduce((s, r) => s + r.encodedBodySize, 0), requests: 1 + resources.length };
  });
  await context.close();
  console.log(`| ${url} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${(weight.bytes / 1024).toFixed(1)} | ${weight.requests} |`);
}
await browser.close();
