import { core } from "./hash-core";

/**
 * Canonical JSON: object keys sorted, no whitespace, `undefined` dropped, dates as ISO strings.
 * Two semantically equal values always give the same text, which is what the hash chain needs
 * (PostgreSQL's jsonb reorders keys, so the stored form cannot be hashed as it comes back).
 * Defined in hash-core.ts (shared with the verification workers); `canonical.test.ts` checks it against the plain
 * definition.
 */
export const canonicalJson: (value: unknown) => string = core.canonicalJson;
