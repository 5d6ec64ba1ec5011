import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * What the browser is sent: every module a client component imports (not type-only; a "use server" module is sent as
 * a reference, so its imports are not followed). zod is 31 KB compressed and was reaching the runbook index and the
 * panels through two constant lists; on a throttled phone each such library is parse and compile time before the
 * page answers a tap (docs/benchmarks.md, "Prerendered pages behind the proxy").
 */
const SERVER_ONLY_PACKAGES = ["zod", "pg", "@prisma/client", "@prisma/adapter-pg", "next-auth"];
/**
 * Chosen on purpose: the onboarding request form checks each field in the browser with the server's own schema, so a
 * repo owner sees every mistake before sending, worded as the server would word it.
 */
const ALLOWED = new Set(["components/onboarding/request-form.tsx → lib/validation/onboarding.ts → zod"]);
const ROOT = path.resolve(__dirname, "../..");
const IMPORT = /^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+"([^"]+)"/gm;

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "generated" ? [] : files(path.join(dir, e.name))) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
  );
}

function resolve(spec: string, from: string): string | null {
  const base = spec.startsWith("@/") ? spec.slice(2) : spec.startsWith(".") ? path.join(path.dirname(from), spec) : null;
  if (base === null) return null;
  return [".ts", ".tsx", "/index.ts", "/index.tsx"].map((ext) => base + ext).find((f) => existsSync(path.join(ROOT, f))) ?? null;
}

const directive = (source: string) => /^\s*(?:\/\/[^\n]*\n|\/\*[\s\S]*?\*\/\s*)*["']use (client|server)["']/.exec(source)?.[1];

/** The chain of imports from `file` to a server-only package, or null. */
function chainToServerOnly(file: string, seen = new Set<string>()): string[] | null {
  if (seen.has(file)) return null;
  seen.add(file);
  const source = readFileSync(path.join(ROOT, file), "utf8");
  if (directive(source) === "server") return null;
  for (const [, spec] of source.matchAll(IMPORT)) {
    if (SERVER_ONLY_PACKAGES.some((p) => spec === p || spec.startsWith(`${p}/`))) return [file, spec];
    const next = resolve(spec, file);
    const chain = next && chainToServerOnly(next, seen);
    if (chain) return [file, ...chain];
  }
  return null;
}

/** Every module the browser is sent: client components and everything they import (a "use server" module is not). */
function browserModules(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const source = readFileSync(path.join(ROOT, file), "utf8");
    if (directive(source) === "server") return;
    seen.add(file);
    for (const [, spec] of source.matchAll(IMPORT)) {
      const next = resolve(spec, file);
      if (next) visit(next);
    }
  };
  roots.forEach(visit);
  return seen;
}

/**
 * Calls that build an ICU collator or formatter the first time a page makes them: on a phone (CPU slowed four times)
 * the runbook index's first `localeCompare` took 55 ms and the panels' first `toLocaleString` 76 ms, each inside one
 * uninterruptible task while the page hydrated (docs/benchmarks.md, "Phone main thread"). Text sent to the browser
 * is ordered by code point (`byCodePoint`) and numbers and times are formatted by hand, the same on every machine.
 */
const ICU_CALL = /\.localeCompare\(|\.toLocale(?:String|DateString|TimeString|UpperCase|LowerCase)\(|\bIntl\./;

describe("what client components send to the browser", () => {
  const clientFiles = ["app", "components", "lib"].flatMap(files).filter((f) => directive(readFileSync(path.join(ROOT, f), "utf8")) === "client");

  it("finds the client components", () => {
    expect(clientFiles).toContain(path.join("components", "runbooks", "runbook-index.tsx"));
    expect(clientFiles.length).toBeGreaterThan(30);
  });

  it(`imports none of ${SERVER_ONLY_PACKAGES.join(", ")}, directly or through another module`, () => {
    const chains = clientFiles
      .map((f) => chainToServerOnly(f))
      .filter((c) => c !== null)
      .map((c) => c.join(" → "))
      .filter((c) => !ALLOWED.has(c));
    expect(chains).toEqual([]);
  });

  it("calls nothing that builds an ICU collator or formatter", () => {
    const calls = [...browserModules(clientFiles)].flatMap((f) =>
      readFileSync(path.join(ROOT, f), "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
        .filter(({ line }) => ICU_CALL.test(line) && !/^\s*(?:\/\/|\*)/.test(line))
        .map(({ at }) => at),
    );
    expect(calls).toEqual([]);
  });
});
