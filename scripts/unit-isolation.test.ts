import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CHANGES_SHARED_STATE, ISOLATED_UNIT_TESTS } from "../tests/support/isolated-unit-tests.mjs";

const root = path.resolve(import.meta.dirname, "..");
const unitTests = [
  ...["lib", "scripts", "simulator"].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".test.ts") && !f.startsWith("generated"))
      .map((f) => path.join(dir, f)),
  ),
  "proxy.test.ts",
];

describe("unit tests that change shared state run isolated", () => {
  it("recognises each way a test changes what other files would see", () => {
    for (const line of ['vi.mock("server-only", () => ({}));', "vi.doMock('x')", 'vi.stubEnv("A", "b")', "vi.stubGlobal('fetch', f)", "process.env.AUTH_SECRET = 'x';", 'process.env["A"] = "1"', "process.env.X ??= 'y'", "delete process.env.X"]) {
      expect(CHANGES_SHARED_STATE.test(line), line).toBe(true);
    }
    for (const line of ["const s = process.env.AUTH_SECRET;", "if (process.env.A === 'b')", "expect(vi.fn()).not.toThrow()", "env: { ...process.env, A: '1' }"]) {
      expect(CHANGES_SHARED_STATE.test(line), line).toBe(false);
    }
  });

  it("every unit test file that mocks modules or sets process.env is listed in ISOLATED_UNIT_TESTS", () => {
    const changing = unitTests.filter((f) => f !== path.join("scripts", "unit-isolation.test.ts") && CHANGES_SHARED_STATE.test(readFileSync(path.join(root, f), "utf8")));
    expect(changing.sort()).toEqual([...ISOLATED_UNIT_TESTS].sort());
  });
});
