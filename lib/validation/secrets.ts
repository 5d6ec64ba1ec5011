/**
 * Credentials pasted by mistake. Free text people type ends up in the hash-chained audit log, which can never be
 * edited, so a key stored there is stored for ever: the schemas refuse such text before anything is written.
 */
import type { z } from "zod";

/** Not preceded by a character that could belong to the same token (so "disk-…" is not an "sk-…" key). */
const START = String.raw`(?<![A-Za-z0-9_-])`;

/**
 * Credential shapes, most specific first (an Anthropic key also starts "sk-"). Prefixes and lengths follow each
 * provider's documented format; a prefix alone, or too short a tail, is a mention rather than a key.
 */
const PATTERNS: { kind: string; pattern: RegExp }[] = [
  { kind: "private key", pattern: /-----BEGIN (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: "Anthropic API key", pattern: new RegExp(String.raw`${START}sk-ant-[A-Za-z0-9_-]{20,}`) },
  { kind: "OpenAI API key", pattern: new RegExp(String.raw`${START}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})`) },
  { kind: "Google API key", pattern: new RegExp(String.raw`${START}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`) },
  { kind: "AWS access key ID", pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/ },
  {
    // Forty base64 characters alone could be anything (a git SHA is forty hex digits), so only a labelled one counts.
    kind: "AWS secret access key",
    pattern: /(?:aws[_\s-]?secret(?:[_\s-]?access)?[_\s-]?key|secret[_\s-]?access[_\s-]?key)["']?\s{0,5}(?::|=>?)\s{0,5}["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/i,
  },
  { kind: "GitHub token", pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})/ },
  { kind: "JSON Web Token", pattern: new RegExp(String.raw`${START}eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{16,}`) },
  { kind: "Slack token", pattern: /(?<![A-Za-z0-9])xox[abprs]-\d+-[A-Za-z0-9-]{10,}/ },
  { kind: "Slack webhook URL", pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}/ },
];

const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/;
const PERCENT_ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

function match(text: string): { kind: string } | null {
  for (const { kind, pattern } of PATTERNS) if (pattern.test(text)) return { kind };
  return null;
}

/**
 * The kind of the first credential-shaped string in `text` (an API key, token or private key), or null. Built to
 * let ordinary text through: ids, UUIDs, git SHAs, URLs and sentences that merely mention a key's prefix.
 */
export function findSecret(text: string): { kind: string } | null {
  const found = match(text);
  if (found || !PERCENT_ESCAPE.test(text)) return found;
  // A link can carry a credential URL-encoded (e.g. a webhook URL in another URL's query string).
  return match(text.replace(PERCENT_ESCAPES, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  }));
}

/** What the person is told: the kind of secret, and why it cannot stay. Never the secret itself. */
export function secretMessage(kind: string): string {
  return `This looks like ${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind}. Remove it: nothing typed here can be deleted from the audit log.`;
}

/** Every string in a parsed value (a string, or strings nested in arrays and objects), with its path. */
function* stringsIn(value: unknown, path: PropertyKey[] = []): Generator<{ text: string; path: PropertyKey[] }> {
  if (typeof value === "string") yield { text: value, path };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i]);
  else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
  }
}

/**
 * Marks a schema as free text people type: a value holding a credential (see findSecret) is refused, with a
 * message naming its kind, at the path where it was found. Wrap the whole field, transforms included.
 */
export function freeText<T extends z.ZodType>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    for (const { text, path } of stringsIn(value)) {
      const secret = findSecret(text);
      if (secret) ctx.addIssue({ code: "custom", message: secretMessage(secret.kind), path });
    }
  });
}
