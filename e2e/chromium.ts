import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

/** Debian's Chromium, used where it exists (closed networks cannot download Playwright's own). */
const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** Flags for a headless Chromium in a container: no sandbox, no GPU, nothing that calls home. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/**
 * Chromium 156 in headless mode preloads its omnibox popup, a page of the browser's own UI in a renderer of its own,
 * and keeps it busy on every navigation: 74 of the browser tests' 380 CPU-seconds in a CI run (docs/benchmarks.md,
 * "CI budget"). Nothing here types into an address bar.
 */
const OUR_DISABLED_FEATURES = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup", "PreloadTopChromeWebUI"];

/**
 * Playwright's own --disable-features list. Chromium keeps only the last --disable-features it is given, so ours
 * must carry Playwright's too, and Playwright's switch is then left out (ignoreDefaultArgs takes exact strings).
 * Playwright exports no such list: it is read from its bundle, and a bundle this cannot read stops the tests here
 * rather than dropping Playwright's list (e2e/browser-flags.anonymous.spec.ts checks the browser's command line).
 */
function playwrightDisabledFeatures(): string[] {
  const bundle = readFileSync(createRequire(import.meta.url).resolve("playwright-core/lib/coreBundle"), "utf8");
  const list = /\bdisabledFeatures = \[([\s\S]*?)\]\.filter\(Boolean\)/.exec(bundle)?.[1] ?? "";
  const names = [...list.matchAll(/^\s*"(\w+)",?$/gm)].map((m) => m[1]);
  if (!names.includes("PaintHolding")) throw new Error("e2e/chromium.ts: Playwright's disabled-features list was not found in playwright-core/lib/coreBundle.js; update playwrightDisabledFeatures()");
  return names;
}

function systemChromium() {
  const playwright = playwrightDisabledFeatures();
  return {
    executablePath: SYSTEM_CHROMIUM,
    args: [...CHROMIUM_ARGS, `--disable-features=${[...playwright, ...OUR_DISABLED_FEATURES].join(",")}`],
    ignoreDefaultArgs: [`--disable-features=${playwright.join(",")}`],
  };
}

/** Playwright's launch options: the system Chromium with CHROMIUM_ARGS, else Playwright's own browser as it is. */
export const chromiumLaunchOptions: { executablePath?: string; args?: string[]; ignoreDefaultArgs?: string[] } = existsSync(SYSTEM_CHROMIUM) ? systemChromium() : {};
