import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The hash source of one inline script, as a Content-Security-Policy lists it: the SHA-256 of the script's text
 * exactly as it stands between its tags.
 */
export const scriptHash = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script>/gi;

/**
 * The hash sources of every inline script in a page's HTML, in order, once each. Scripts with a `src` are not
 * inline (the policy's 'self' covers those); React escapes `</script>` inside scripts it writes, so a script's text
 * ends at the first closing tag.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attributes, text] of html.matchAll(SCRIPT)) {
    if (/\ssrc\s*=/i.test(` ${attributes}`)) continue;
    hashes.add(scriptHash(text));
  }
  return [...hashes];
}

type PrerenderManifest = { routes?: Record<string, unknown> };

/**
 * The pages `next build` prerendered, each with the hash sources of its inline scripts: such a page is served as
 * the HTML the build wrote, the same for every request, so no per-response nonce can be put in it, and its scripts
 * are allowed by their hashes instead (proxy.ts). Read from the build output in `dir` (`.next`); empty under
 * `next dev`, which renders every page per request, or when a page's HTML is missing (it then gets the nonce policy
 * and its scripts do not run, which the browser tests would show).
 */
export function prerenderedPages(dir: string): Map<string, string[]> {
  const pages = new Map<string, string[]>();
  const manifestFile = join(dir, "prerender-manifest.json");
  if (!existsSync(manifestFile)) return pages;
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as PrerenderManifest;
  for (const route of Object.keys(manifest.routes ?? {})) {
    const file = join(dir, "server", "app", `${route === "/" ? "/index" : route}.html`);
    if (existsSync(file)) pages.set(route, inlineScriptHashes(readFileSync(file, "utf8")));
  }
  return pages;
}
