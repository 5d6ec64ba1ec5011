import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BASE64, URL_SAFE, UPPER_DIGITS, chars, fake, fakeSecrets } from "./fake-secrets";
import { findSecret, freeText, secretMessage } from "./secrets";

/** Each kind: credential-shaped strings it must catch, alone and inside ordinary text, and near misses it must let through. */
const CASES: { kind: string; found: string[]; passes: string[] }[] = [
  {
    kind: "Anthropic API key",
    found: [fakeSecrets.anthropic, fake("sk", "-ant-", "admin01-", chars(93)), fake("sk", "-ant-", "oat01-", chars(40, URL_SAFE))],
    passes: ["Anthropic keys start with sk-ant-… and live in the control plane.", fake("sk", "-ant-", "api03-", "…"), fake("sk", "-ant-", "short")],
  },
  {
    kind: "OpenAI API key",
    found: [fakeSecrets.openai, fake("sk", "-svcacct-", chars(100, URL_SAFE)), fake("sk", "-", chars(20), "T3Blbk", "FJ", chars(20)), fake("sk", "-", chars(48))],
    passes: ["The sk-proj-… key was rotated by RB-SEC-002.", fake("sk", "-proj-", "abc"), fake("di", "sk-", chars(48)), "sk-learn is not a key", fake("sk", "-", chars(20))],
  },
  {
    kind: "Google API key",
    found: [fakeSecrets.google, `https://maps.example.com/api?key=${fakeSecrets.google}&q=1`],
    passes: [fake("AI", "za", "Sy…"), fake("AI", "za", chars(20, URL_SAFE)), "AIzawa is a surname"],
  },
  {
    kind: "AWS access key ID",
    found: [fakeSecrets.awsKeyId, fake("AS", "IA", chars(16, UPPER_DIGITS)), `export AWS_ACCESS_KEY_ID=${fakeSecrets.awsKeyId}`],
    passes: [fake("AK", "IA", chars(15, UPPER_DIGITS)), fake("AK", "IA", chars(16).toLowerCase()), fake("X", "AK", "IA", chars(20, UPPER_DIGITS)), "the AKIA prefix marks a long-lived key"],
  },
  {
    kind: "AWS secret access key",
    found: [
      fakeSecrets.awsSecret,
      `AWS_SECRET_ACCESS_KEY=${chars(40, BASE64)}`,
      `{"AccessKeyId": "x", "SecretAccessKey": "${chars(40, BASE64)}"}`,
      `aws secret access key: ${chars(40, BASE64)}`,
      `AWS_SECRET_KEY=${chars(40, BASE64)}`,
      `awsSecretKey: "${chars(40, BASE64)}"`,
      `AWS secret key: ${chars(40, BASE64)}`,
      `secret_access_key: ${chars(40, BASE64)}`,
      `secret access key = ${chars(40, BASE64)}`,
    ],
    passes: [
      chars(40, BASE64),
      "aws_secret_access_key = <your secret here>",
      "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
      "The aws_secret_access_key is stored in Vault, rotated by RB-SEC-002.",
      `aws_secret_access_key = ${chars(41, BASE64)}`,
    ],
  },
  {
    kind: "GitHub token",
    found: [fakeSecrets.github, ...["o", "u", "s", "r"].map((c) => fake("gh", c, "_", chars(36))), fake("github", "_pat_", chars(22), "_", chars(59))],
    passes: [fake("gh", "p_", chars(10)), "push to gh_pages", fake("gh", "x_", chars(36)), "a github_pat_… token with read access", fake("github", "_pat_", chars(12))],
  },
  {
    kind: "private key",
    found: [fakeSecrets.pem, ...["OPENSSH ", "EC ", "ENCRYPTED ", ""].map((t) => fake("-----", "BEGIN ", t, "PRIVATE", " KEY-----\n", chars(64, BASE64)))],
    passes: [fake("-----", "BEGIN PUBLIC", " KEY-----"), fake("-----", "BEGIN CERTIFICATE", "-----"), "The private key was rotated after the incident."],
  },
  {
    kind: "JSON Web Token",
    found: [fakeSecrets.jwt, `Authorization: Bearer ${fakeSecrets.jwt}`],
    passes: ["eyJ", fakeSecrets.jwt.split(".")[0], fakeSecrets.jwt.split(".").slice(0, 2).join(".") + ".", "flowengine.v2.rollout"],
  },
  {
    kind: "Slack token",
    found: [fakeSecrets.slack, fake("xo", "xp-", chars(11, "0123456789"), "-", chars(11, "0123456789"), "-", chars(32))],
    passes: ["xoxb-", "post it with the xoxb-token from Vault", "#xox-alerts", fake("xo", "xb-", "1234", "-", chars(6))],
  },
  {
    kind: "Slack webhook URL",
    found: [fakeSecrets.slackWebhook],
    passes: ["https://hooks.slack.com/services/", "https://slack.com/help/articles/webhooks", fake("https://hooks.", "slack.com/services/", "T0ABCDEF1/B0ABCDEF1/", chars(8))],
  },
];

/** Text that people type every day and that must never be refused. */
const ORDINARY = [
  "RB-CORE-005",
  "Failover to the secondary provider done; error rate back under 1% at 09:42.",
  "7d1c1c3e-6a59-4b59-9d51-0c7a3d1b2f10",
  "9fceb02d0ae598e95dc970b74767f19372d61af8",
  "Rolled back to 9fceb02d0ae598e95dc970b74767f19372d61af8 (see https://github.com/acme/billing-api/commit/9fceb02d0ae598e95dc970b74767f19372d61af8).",
  "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
  "https://grafana.example.com/d/flowengine?orgId=1&from=now-6h&to=now&var-repo=billing-api",
  "flow-123abc on repo billing-api; pod flowengine-7d9f8b6c5-x2x4k restarted",
  "sam.rivera@ops.example, #ops-alerts, @jordan",
  "Ask-the-team: disk-pressure on node-7, task-runner backlog 1,204 items.",
  "Token budget at 82% (4.1M of 5M tokens); quota request REQ-2026-0042 filed.",
  "# RCA: RB-CORE-001\n\n| Step | By |\n| --- | --- |\n| triage | Sam Rivera |",
];

describe("findSecret", () => {
  for (const { kind, found, passes } of CASES) {
    describe(kind, () => {
      it.each(found.map((s) => [s]))("finds %#", (secret) => {
        expect(findSecret(secret)).toEqual({ kind });
        expect(findSecret(`Here is what I saw:\n  ${secret}\nthen it failed.`)).toEqual({ kind });
        expect(findSecret(`"${secret}"`)).toEqual({ kind });
      });
      it.each(passes.map((s) => [s]))("lets near miss %# through", (text) => {
        expect(findSecret(text)).toBeNull();
      });
    });
  }

  it.each(ORDINARY.map((s) => [s]))("lets ordinary text %# through", (text) => {
    expect(findSecret(text)).toBeNull();
  });

  it("finds a credential inside a URL-encoded value, and copes with a stray %", () => {
    for (const secret of [fakeSecrets.slackWebhook, fakeSecrets.pem, fakeSecrets.awsSecret]) {
      expect(findSecret(`https://grafana.example.com/d/x?next=${encodeURIComponent(secret)}`)).toEqual(findSecret(secret));
    }
    expect(findSecret("Error rate down 50% at 09:42; quota 100%ff, see https://example.com/a%2")).toBeNull();
  });

  it("decodes a run of escapes together, so a key after an encoded non-ASCII character is found", () => {
    expect(findSecret(`https://wiki.example/search?q=${encodeURIComponent(`Key:\u00a0${fakeSecrets.anthropic}`)}`)).toEqual({ kind: "Anthropic API key" });
  });

  it("keeps an escape that does not decode as typed, so it never completes a key", () => {
    expect(findSecret(fake("sk", "-", "%C3", chars(29)))).toBeNull();
  });

  it("names the credential as typed before looking inside URL-encoded parts", () => {
    expect(findSecret(`${fakeSecrets.github} and https://x.example/?k=${encodeURIComponent(fakeSecrets.pem)}`)).toEqual({ kind: "GitHub token" });
  });

  it("scans a long text quickly, even one built to make a regular expression backtrack", () => {
    const started = performance.now();
    for (const text of [
      chars(200_000, URL_SAFE + ". "),
      fake("ey", "J").repeat(70_000),
      `${fake("ey", "J", "a".repeat(50), ".", "ey", "J").repeat(3_000)}`,
      fake("sk", "-").repeat(70_000),
      `${fake("sk", "-", chars(100_000))}-`,
      `aws_secret_access_key = ${"A".repeat(200_000)}`,
      fake("-----", "BEGIN ").repeat(20_000),
    ]) {
      findSecret(text);
    }
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

describe("secretMessage", () => {
  it("names the kind, with the right article, and says why it must go", () => {
    expect(secretMessage("OpenAI API key")).toBe("This looks like an OpenAI API key. Remove it: nothing typed here can be deleted from the audit log.");
    expect(secretMessage("GitHub token")).toBe("This looks like a GitHub token. Remove it: nothing typed here can be deleted from the audit log.");
    expect(secretMessage("AWS access key ID")).toMatch(/^This looks like an AWS access key ID\./);
  });
});

describe("freeText", () => {
  const schema = z.object({
    note: freeText(z.string().trim().max(4000).optional().transform((v) => v || undefined)),
    values: z.record(z.string(), freeText(z.string())),
    list: freeText(z.array(z.string())),
  });
  const issues = (input: unknown) => {
    const r = schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => ({ code: i.code, path: i.path.join("."), message: i.message }));
  };

  it("accepts ordinary text and absent values", () => {
    expect(schema.safeParse({ note: "Rolled back RB-CORE-005.", values: { reason: "drain" }, list: ["a", "b"] }).success).toBe(true);
    expect(schema.safeParse({ values: {}, list: [] }).success).toBe(true);
  });

  it("refuses a secret where it is, naming its kind and never echoing it", () => {
    const found = issues({ note: `key ${fakeSecrets.openai}`, values: { reason: fakeSecrets.github }, list: ["fine", fakeSecrets.awsKeyId] });
    expect(found).toEqual([
      { code: "custom", path: "note", message: secretMessage("OpenAI API key") },
      { code: "custom", path: "values.reason", message: secretMessage("GitHub token") },
      { code: "custom", path: "list.1", message: secretMessage("AWS access key ID") },
    ]);
    for (const { message } of found) for (const secret of Object.values(fakeSecrets)) expect(message).not.toContain(secret);
  });

  it("looks inside objects and arrays wrapped whole, refusing a secret at its path", () => {
    const form = freeText(z.object({ title: z.string(), steps: z.array(z.object({ note: z.string() })) }));
    const r = form.safeParse({ title: "Rotate keys", steps: [{ note: "done" }, { note: `used ${fakeSecrets.slack}` }] });
    expect(r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }))).toEqual([
      { path: "steps.1.note", message: secretMessage("Slack token") },
    ]);
  });

  it("accepts nulls, numbers and booleans beside text", () => {
    const form = freeText(z.object({ note: z.string().nullable(), count: z.number(), urgent: z.boolean(), tags: z.array(z.string().nullable()) }));
    expect(form.safeParse({ note: null, count: 3, urgent: false, tags: ["db", null] }).success).toBe(true);
  });
});
