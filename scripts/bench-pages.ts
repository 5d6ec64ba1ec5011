/**
 * Measures a page as a browser gets it: time to first byte of the HTML over many requests (p50/p95), and the
 * page's transfer size (HTML + every script, style and font it loads, as encoded on the wire) from Chromium.
 *
 *   tsx scripts/bench-pages.ts <url> [<url> …] [--cookie "name=value"] [--requests 200]
 */
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";

const { values, positionals } = parseArgs({ allowPositionals: true, options: { cookie: { type: "string" }, requests: { type: "string", default: "200" } } });
const n = Number(values.requests);

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

const browser = await chromium.launch(
  existsSync("/usr/bin/chromium")
    ? { executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] }
    : {},
);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
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
