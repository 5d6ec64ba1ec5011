// Assembles the self-contained server that the container image runs (Dockerfile) and that `npm test` smoke-tests
// (e2e/standalone.standalone.spec.ts): Next's standalone output, plus what it does not trace by itself — the
// static assets and the runbooks, which the portal reads from its working directory at run time.
// Usage: node scripts/assemble-standalone.mjs [distDir]   → prints the directory to run `node server.js` in.
import { cpSync, existsSync, rmSync } from "node:fs";
import path from "node:path";

const dist = path.resolve(process.argv[2] ?? process.env.NEXT_DIST_DIR ?? ".next");
const out = path.join(dist, "standalone");
if (!existsSync(path.join(out, "server.js"))) {
  console.error(`No standalone server in ${out}: build first (next.config.js sets output: "standalone").`);
  process.exit(1);
}
// The server looks for its static files under <its dir>/<distDir name>/static.
const staticDir = path.join(out, path.basename(dist), "static");
rmSync(staticDir, { recursive: true, force: true });
cpSync(path.join(dist, "static"), staticDir, { recursive: true });
rmSync(path.join(out, "runbooks"), { recursive: true, force: true });
cpSync("runbooks", path.join(out, "runbooks"), { recursive: true });
if (existsSync("public")) cpSync("public", path.join(out, "public"), { recursive: true });
console.log(out);
