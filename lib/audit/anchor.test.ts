import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { anchorSettings } from "../env";
import { anchorEntry, anchorHead, anchorsForChain, appendAnchorFile, compareAnchors, flushWebhook, readAnchorFile, type HeadLike } from "./anchor";
import { signHead } from "./chain";

const KEY = "anchor-unit-test-key-0123456789";
const h = (n: number) => n.toString(16).padStart(64, "0");
const head = (id: number, seq: number, hash = h(seq)): HeadLike => ({ id: BigInt(id), seq: BigInt(seq), hash, hmac: signHead(KEY, BigInt(seq), hash), at: new Date(Date.UTC(2026, 10, 29, 12, id)), reason: "periodic" });
const tmpFile = () => path.join(mkdtempSync(path.join(tmpdir(), "anchor-unit-")), "nested", "audit-anchors.jsonl");

async function fileWith(...heads: HeadLike[]) {
  const file = tmpFile();
  for (const x of heads) await appendAnchorFile(file, anchorEntry(x));
  return file;
}

describe("the anchor file", () => {
  it("appends one JSON line per head, creating the file and its directory, and reads them back", async () => {
    const file = await fileWith(head(1, 10), head(2, 20));
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1])).toMatchObject({ format: "orchestrator-audit-anchor/v1", id: "2", seq: "20", hash: h(20) });
    const read = await readAnchorFile(file);
    expect(read).toMatchObject({ exists: true, malformed: [] });
    expect(read.entries.map((e) => [e.line, e.entry.id])).toEqual([
      [1, "1"],
      [2, "2"],
    ]);
  });

  it("reads a missing file as empty, and names lines that are not heads", async () => {
    expect(await readAnchorFile(path.join(tmpdir(), "no-such-dir-xyz", "a.jsonl"))).toEqual({ exists: false, entries: [], malformed: [] });
    const file = await fileWith(head(1, 10));
    appendFileSync(file, `{"format":"orchestrator-audit-anchor/v1","id":"2"}\nnot json\n`);
    expect((await readAnchorFile(file)).malformed).toEqual([2, 3]);
  });
});

describe("compareAnchors", () => {
  const compare = async (anchored: HeadLike[], inDb: HeadLike[], logEnd: bigint | null = 100n, edit?: (file: string) => void) => {
    const file = await fileWith(...anchored);
    edit?.(file);
    return compareAnchors({ file, read: await readAnchorFile(file), heads: inDb, logEnd, key: KEY });
  };

  it("agrees when every anchored head is in the database as it was", async () => {
    const r = await compare([head(1, 10), head(2, 20)], [head(1, 10), head(2, 20), head(3, 30)]);
    expect(r).toMatchObject({ status: "ok", entries: 2, matched: 2, problems: [], unanchored: ["3"] });
  });

  it("names a head missing from the database", async () => {
    const r = await compare([head(1, 10), head(2, 20)], [head(1, 10)]);
    expect(r.status).toBe("mismatch");
    expect(r.problems).toEqual([expect.objectContaining({ kind: "missing-from-database", headId: "2", seq: "20", line: 2 })]);
    expect(r.message).toContain("head #2 (event 20");
  });

  it("names a head rewritten in the database: another hash (re-signed with the key), another seq, another HMAC", async () => {
    const r = await compare([head(1, 10), head(2, 20), head(3, 30)], [head(1, 10, h(999)), head(2, 21), { ...head(3, 30), hmac: h(7) }]);
    expect(r.problems.map((p) => [p.kind, p.headId])).toEqual([
      ["rewritten", "1"],
      ["rewritten", "2"],
      ["rewritten", "3"],
    ]);
    expect(r.problems[0].detail).toContain(`hash ${h(999).slice(0, 12)}… instead of ${h(10).slice(0, 12)}…`);
    expect(r.problems[1].detail).toContain("event 21 instead of 20");
  });

  it("names an anchor ahead of the chain (the log was cut)", async () => {
    const r = await compare([head(1, 10), head(2, 20)], [head(1, 10), head(2, 20)], 15n);
    expect(r.problems).toEqual([expect.objectContaining({ kind: "ahead-of-chain", headId: "2" })]);
    expect((await compare([head(1, 10)], [head(1, 10)], null)).problems.map((p) => p.kind)).toEqual(["ahead-of-chain"]);
  });

  it("names an anchor line edited in the file (its HMAC no longer verifies) and does not use it as an anchor", async () => {
    const file = await fileWith(head(1, 10), head(2, 20));
    writeFileSync(file, readFileSync(file, "utf8").replace(h(20), h(21)));
    const read = await readAnchorFile(file);
    const r = compareAnchors({ file, read, heads: [head(1, 10), head(2, 20)], logEnd: 100n, key: KEY });
    expect(r.problems).toEqual([expect.objectContaining({ kind: "bad-signature", headId: "2" })]);
    expect(anchorsForChain(read, KEY).map((a) => a.seq)).toEqual([10n]);
  });

  it("tells an empty or missing file from a tampered one", async () => {
    const file = tmpFile();
    expect(compareAnchors({ file, read: await readAnchorFile(file), heads: [head(1, 10)], logEnd: 10n, key: KEY })).toMatchObject({ status: "empty", unanchored: ["1"] });
    expect(compareAnchors({ file, read: await readAnchorFile(file), heads: [], logEnd: null, key: KEY })).toMatchObject({ status: "none" });
    expect(compareAnchors({ file, read: { error: "EACCES" }, heads: [], logEnd: null, key: KEY })).toMatchObject({ status: "unreadable" });
  });
});

describe("the anchor webhook", () => {
  const settingsFor = (file: string) => anchorSettings({ AUDIT_ANCHOR_FILE: file, AUDIT_ANCHOR_WEBHOOK_URL: "http://127.0.0.1:9/anchor", AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS: "50" });

  it("sends every anchored head in order, keeps the ones a failed or slow receiver did not take, and sends them later", async () => {
    const file = await fileWith(head(1, 10), head(2, 20), head(3, 30));
    const settings = settingsFor(file);
    const received: string[] = [];
    let mode: "fail" | "hang" | "ok" = "ok";
    const fake = (async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body));
      if (mode === "hang") {
        await new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
      }
      if (mode === "fail" && body.id === "2") return new Response("no", { status: 503 });
      received.push(body.id);
      return new Response(null, { status: 204 });
    }) as typeof fetch;

    mode = "fail";
    expect(await flushWebhook(settings, fake)).toMatchObject({ delivered: 1, pending: 2, error: "HTTP 503" });
    mode = "hang";
    expect(await flushWebhook(settings, fake)).toMatchObject({ delivered: 0, pending: 2, error: "no answer within 50 ms" });
    mode = "ok";
    expect(await flushWebhook(settings, fake)).toEqual({ delivered: 2, pending: 0 });
    expect(received).toEqual(["1", "2", "3"]);
    // Nothing is sent twice once accepted; a new head goes next.
    await appendAnchorFile(file, anchorEntry(head(4, 40)));
    expect(await flushWebhook(settings, fake)).toEqual({ delivered: 1, pending: 0 });
    expect(received).toEqual(["1", "2", "3", "4"]);
  });

  it("never makes the signer wait for the webhook, nor fail because of it", async () => {
    const file = tmpFile();
    const started = performance.now();
    expect(await anchorHead(head(1, 10), anchorSettings({ AUDIT_ANCHOR_FILE: file, AUDIT_ANCHOR_WEBHOOK_URL: "http://192.0.2.1/anchor", AUDIT_ANCHOR_WEBHOOK_TIMEOUT_MS: "5000" }))).toEqual({ ok: true });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((await readAnchorFile(file)).entries).toHaveLength(1);
  });

  it("reports a head it could not write to the file instead of throwing", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "anchor-unit-"));
    const r = await anchorHead(head(1, 10), anchorSettings({ AUDIT_ANCHOR_FILE: dir }));
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining("could not be written to the anchor file") });
  });
});
