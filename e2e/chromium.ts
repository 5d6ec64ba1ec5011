import { existsSync } from "node:fs";

/** Debian's Chromium, used where it exists (closed networks cannot download Playwright's own). */
const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** Flags for a headless Chromium in a container: no sandbox, no GPU, nothing that calls home. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

/** Playwright's launch options: the system Chromium with CHROMIUM_ARGS, else Playwright's own browser as it is. */
export const chromiumLaunchOptions: { executablePath?: string; args?: string[] } = existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM, args: CHROMIUM_ARGS } : {};
