import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { chromiumLaunchOptions } from "./chromium";

/** The command line of the browser process this worker launched (Linux: read from /proc). */
function browserCommandLine(): string[] {
  const parent = new Map<number, number>();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while the list was read.
    }
  }
  const descends = (pid: number): boolean => pid > 1 && (parent.get(pid) === process.pid || descends(parent.get(pid) ?? 0));
  const lines = [...parent.keys()]
    .filter(descends)
    .map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean))
    .filter((argv) => argv.some((a) => a.startsWith("--remote-debugging-pipe")) && !argv.some((a) => a.startsWith("--type=")));
  expect(lines, "this worker's browser process").toHaveLength(1);
  return lines[0];
}

/**
 * The browser the tests drive is started as e2e/chromium.ts says: Chromium's own omnibox popup (a page of its
 * browser UI, in a renderer of its own) is not preloaded, and Playwright's own disabled features still are.
 * Chromium keeps only the last --disable-features it is given, so adding ours must not drop Playwright's.
 */
test("one --disable-features carrying Playwright's list and ours; no omnibox popup page", async ({ browser }) => {
  test.skip(!chromiumLaunchOptions.executablePath, "Playwright's own browser is launched as it is");
  const args = browserCommandLine();
  const features = args.filter((a) => a.startsWith("--disable-features="));
  expect(features, args.join(" ")).toHaveLength(1);
  const disabled = features[0].slice("--disable-features=".length).split(",");
  // One of Playwright's (its headless screenshots need it) and ours.
  expect(disabled).toEqual(expect.arrayContaining(["PaintHolding", "HttpsUpgrades", "WebUIOmniboxPopup", "PreloadTopChromeWebUI"]));
  const page = await browser.newPage();
  await page.goto("about:blank");
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send("Target.getTargets")) as { targetInfos: { type: string; url: string }[] };
  expect(targetInfos.filter((t) => t.url.includes("top-chrome")).map((t) => t.url)).toEqual([]);
  await page.close();
});
