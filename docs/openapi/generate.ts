/**
 * Writes docs/openapi/control-plane.json from the zod contract (lib/control-plane/contract.ts):
 *   npx tsx docs/openapi/generate.ts
 * A unit test (lib/control-plane/openapi.test.ts) fails when the committed file is out of date.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildOpenApiDocument } from "../../lib/control-plane/openapi";

export const OPENAPI_FILE = path.join(import.meta.dirname, "control-plane.json");

writeFileSync(OPENAPI_FILE, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log(`Wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
