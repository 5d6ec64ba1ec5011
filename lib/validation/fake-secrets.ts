/**
 * Fake credentials for tests, shaped like real ones. Each is assembled from parts at run time, so no source file
 * holds a string that a secret scanner would report as a leaked key.
 */

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const URL_SAFE = `${ALNUM}_-`;
export const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const BASE64 = `${ALNUM}+/`;

let state = 20_261_128;

/** `n` characters from `alphabet` that look random; the same sequence on every run. */
export function chars(n: number, alphabet = ALNUM): string {
  let out = "";
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out += alphabet[(state >>> 16) % alphabet.length];
  }
  return out;
}

/** Joins the parts: write a prefix in pieces (`fake("sk", "-proj-", …)`) so it never appears whole in the source. */
export const fake = (...parts: string[]) => parts.join("");

const base64url = (json: object) => Buffer.from(JSON.stringify(json)).toString("base64url");

/** One fake of each kind the scanner knows. */
export const fakeSecrets = {
  anthropic: fake("sk", "-ant-", "api03-", chars(93, URL_SAFE), "AA"),
  openai: fake("sk", "-proj-", chars(156, URL_SAFE)),
  google: fake("AI", "za", "Sy", chars(33, URL_SAFE)),
  awsKeyId: fake("AK", "IA", chars(16, UPPER_DIGITS)),
  awsSecret: fake("aws_secret", "_access_key = ", chars(40, BASE64)),
  github: fake("gh", "p_", chars(36)),
  pem: fake("-----", "BEGIN RSA ", "PRIVATE", " KEY-----\n", chars(64, BASE64), "\n-----", "END RSA ", "PRIVATE", " KEY-----"),
  jwt: [base64url({ alg: "HS256", typ: "JWT" }), base64url({ sub: "sam.rivera@ops.example", iat: 1_764_288_000 }), chars(43, URL_SAFE)].join("."),
  slack: fake("xo", "xb-", chars(12, "0123456789"), "-", chars(13, "0123456789"), "-", chars(24)),
  slackWebhook: fake("https://hooks.", "slack.com/services/", "T", chars(10, UPPER_DIGITS), "/B", chars(10, UPPER_DIGITS), "/", chars(24)),
} as const;
