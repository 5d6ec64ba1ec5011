/**
 * Unit tests that mock modules (vi.mock, vi.doMock), stub globals or environment variables, or assign to
 * process.env. The `unit` project shares one module graph per worker thread across files (fast, and safe for pure
 * modules); these run in the `unit-isolated` project instead, each file in a module graph of its own, so what they
 * change cannot leak into another file. scripts/unit-isolation.test.ts fails when a unit test does any of this and
 * is not listed here. (Plain JavaScript: vitest.config.ts imports it, with its extension.)
 */
/** @type {string[]} */
export const ISOLATED_UNIT_TESTS = ["proxy.test.ts", "lib/actions/safe-action.test.ts", "lib/contacts/load.test.ts"];

/** What makes a test file change shared state. */
export const CHANGES_SHARED_STATE = /\bvi\.(mock|doMock|stubEnv|stubGlobal)\s*\(|\bprocess\.env(\.[A-Za-z_]\w*|\[[^\]]+\])\s*(=(?!=)|\?\?=|\|\|=)|\bdelete\s+process\.env\b/;
