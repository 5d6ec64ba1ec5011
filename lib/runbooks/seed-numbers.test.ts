import { describe, it, expect } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import type { Code, List, Root, RootContent, Table } from "mdast";
import { toString as mdToString } from "mdast-util-to-string";
import { parseDocument, visit } from "yaml";
import { ROLE_LABELS, ROLES, type Role } from "../auth/roles";
import { loadRunbookDir, type Runbook } from "./loader";

/*
 * The seed (docs/runbook-index.seed.md) is the source of truth for the runbooks' numbers, severities, validation
 * records and dependencies. This test parses the seed as Markdown and checks every runbook file against it, so a
 * number dropped or changed in a runbook — or in the seed — fails here.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
const SEED_FILE = path.join(ROOT, "docs/runbook-index.seed.md");
const RUNBOOK_DIR = path.join(ROOT, "runbooks");
const RB_ID = /RB-(?:CORE|LAUNCH)-\d{3}/;

const markdown = unified().use(remarkParse).use(remarkGfm);
const parse = (source: string) => markdown.parse(source) as Root;
const text = (n: RootContent | Root) => mdToString(n).replace(/\s+/g, " ").trim();

// ---------------------------------------------------------------------------------------------------------------
// Tokens: the numbers a reader acts on, with their unit ("$50", "2M", "85%", "5-20", "245KB", "-48%", "10×").

/** Numbers with a unit or shape that makes them meaningful on their own. */
const UNIT_TOKEN = /\$\d+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:KB|K|M|%|s|h|×)(?![A-Za-z])|\d+-\d+|\d+\/\d+|\d+\+/g;
/** In a table row every number counts, bare ones too ("100" in the DB pool column). */
const ANY_TOKEN = new RegExp(`${UNIT_TOKEN.source}|\\d+(?:\\.\\d+)?`, "g");

function tokens(s: string, re: RegExp): string[] {
  return [...new Set(s.match(re) ?? [])];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** `$5` must not match inside `$50`, `0-5` not inside `10-50`, `2M` not inside `12M`. */
function hasToken(haystack: string, token: string): boolean {
  return new RegExp(`(?<![\\d.$])${escapeRe(token)}(?![\\d])`).test(haystack);
}

// ---------------------------------------------------------------------------------------------------------------
// The seed, read through its Markdown structure.

type SeedTable = { runbook: string; name: string; header: string[]; rows: string[][] };
type SeedRunbook = {
  id: string;
  severity: string;
  severityNote?: string;
  owners: Role[];
  responseLabel: string;
  useWhen?: string[];
  validation: { method: string; date: string; status: "validated" | "pending"; note?: string };
  tables: SeedTable[];
  proseTokens: string[];
  timeline?: { fromMinutes: number; toMinutes: number; label: string }[];
  dependencies: string[];
};

function sectionAfter(tree: Root, matches: (heading: string) => boolean): RootContent[][] {
  const sections: RootContent[][] = [];
  tree.children.forEach((node, i) => {
    if (node.type !== "heading" || !matches(text(node))) return;
    const end = tree.children.findIndex((n, j) => j > i && n.type === "heading" && n.depth <= node.depth);
    sections.push(tree.children.slice(i + 1, end < 0 ? undefined : end));
  });
  return sections;
}

function onlySection(tree: Root, heading: string): RootContent[] {
  const found = sectionAfter(tree, (h) => h === heading);
  if (found.length !== 1) throw new Error(`seed: expected one "${heading}" section, found ${found.length}`);
  return found[0];
}

function rowsOf(table: Table): { header: string[]; rows: string[][] } {
  const [head, ...body] = table.children.map((row) => row.children.map((cell) => text(cell)));
  return { header: head, rows: body };
}

function column(header: string[], name: string): number {
  const i = header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  if (i < 0) throw new Error(`seed: table has no "${name}" column (has ${header.join(", ")})`);
  return i;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function isoDate(seedDate: string): string {
  const m = /^([A-Z][a-z]{2})\w* (\d{1,2}), (\d{4})$/.exec(seedDate);
  if (!m) throw new Error(`seed: unreadable date "${seedDate}"`);
  return `${m[3]}-${String(MONTHS.indexOf(m[1]) + 1).padStart(2, "0")}-${m[2].padStart(2, "0")}`;
}

function rolesFromOwnerLine(owner: string): Role[] {
  return owner.split("+").map((label) => {
    const role = ROLES.find((r) => ROLE_LABELS[r].toLowerCase() === label.trim().toLowerCase());
    if (!role) throw new Error(`seed: unknown owner "${label.trim()}"`);
    return role;
  });
}

/** "0-5 min", "1-4 hours", "48 hours" → minutes; a single value runs from the previous phase's end. */
function timelineFrom(list: List): SeedRunbook["timeline"] {
  let previous = 0;
  return list.children.map((item) => {
    const line = text(item);
    const m = /^(\d+)(?:-(\d+))? (min|hours?):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`seed: unreadable timeline entry "${line}"`);
    const unit = m[3] === "min" ? 1 : 60;
    const from = m[2] === undefined ? previous : Number(m[1]) * unit;
    const to = Number(m[2] ?? m[1]) * unit;
    previous = to;
    return { fromMinutes: from, toMinutes: to, label: m[4] };
  });
}

/** The list or table that follows a bold label paragraph such as "**Quota Baselines:**". */
function labelled(nodes: RootContent[]): { label: string; node: RootContent }[] {
  const out: { label: string; node: RootContent }[] = [];
  nodes.forEach((node, i) => {
    if (node.type !== "table" && node.type !== "list") return;
    const before = nodes[i - 1];
    const label = before?.type === "paragraph" ? text(before).replace(/:$/, "") : "";
    out.push({ label, node });
  });
  return out;
}

function readSeed(source: string): Map<string, SeedRunbook> {
  const tree = parse(source);
  const partial = new Map<string, Partial<SeedRunbook> & { id: string }>();
  const get = (id: string) => partial.get(id) ?? partial.set(id, { id }).get(id)!;

  // Quick reference → By Severity: severity and response time of every runbook.
  const bySeverity = onlySection(tree, "By Severity").find((n): n is Table => n.type === "table");
  if (!bySeverity) throw new Error("seed: no By Severity table");
  const sev = rowsOf(bySeverity);
  for (const row of sev.rows) {
    const id = RB_ID.exec(row[column(sev.header, "Runbook")])![0];
    Object.assign(get(id), {
      severity: row[column(sev.header, "Severity")].split(/\s+/)[0],
      responseLabel: row[column(sev.header, "Response Time")],
    });
  }

  // Runbook Details: one "### RB-…: Title" section per runbook.
  for (const [heading, nodes] of sectionAfter(tree, (h) => /^RB-(?:CORE|LAUNCH)-\d{3}:/.test(h)).map(
    (nodes, i) => [tree.children.filter((n) => n.type === "heading" && /^RB-(?:CORE|LAUNCH)-\d{3}:/.test(text(n)))[i], nodes] as const,
  )) {
    const id = RB_ID.exec(text(heading))![0];
    const rb = get(id);
    const meta = nodes.map((n) => mdToString(n)).find((t) => /Severity:/.test(t)) ?? "";
    const severity = /Severity:\s*([A-Z]+)(?:\s*\(([^)]+)\))?/.exec(meta);
    const owner = /Owner:\s*(.+)/.exec(meta);
    if (!severity || !owner) throw new Error(`seed: ${id} has no Severity/Owner line`);
    rb.severityNote = severity[2];
    rb.owners = rolesFromOwnerLine(owner[1]);
    if (severity[1] !== rb.severity) throw new Error(`seed: ${id} severity differs between quick reference and details`);

    rb.tables = [];
    for (const { label, node } of labelled(nodes)) {
      if (node.type === "table") rb.tables.push({ runbook: id, name: label, ...rowsOf(node) });
      else if (label === "When to Use") rb.useWhen = (node as List).children.map((item) => text(item));
      else if (label === "Response Timeline") rb.timeline = timelineFrom(node as List);
    }
    const prose = nodes.filter((n) => n.type !== "table" && !/^File:/.test(text(n)));
    rb.proseTokens = tokens(prose.map((n) => text(n)).join("\n"), UNIT_TOKEN);
  }

  // Validation Status table.
  const validation = onlySection(tree, "Validation Status").find((n): n is Table => n.type === "table");
  if (!validation) throw new Error("seed: no Validation Status table");
  const val = rowsOf(validation);
  for (const row of val.rows) {
    const status = row[column(val.header, "Status")];
    get(RB_ID.exec(row[column(val.header, "Runbook ID")])![0]).validation = {
      method: row[column(val.header, "Validation Method")],
      date: isoDate(row[column(val.header, "Date")]),
      status: /pending/i.test(status) ? "pending" : "validated",
      note: /\(([^)]+)\)/.exec(status)?.[1],
    };
  }

  // Runbook Dependencies: the tree drawing in a code block.
  const deps = onlySection(tree, "Runbook Dependencies").find((n): n is Code => n.type === "code");
  if (!deps) throw new Error("seed: no dependency tree");
  for (const rb of partial.values()) rb.dependencies = [];
  let parent: string | undefined;
  for (const line of deps.value.split("\n")) {
    const child = /[├└]─→\s*(RB-(?:CORE|LAUNCH)-\d{3})/.exec(line);
    const root = /^(RB-(?:CORE|LAUNCH)-\d{3})/.exec(line);
    if (root) parent = root[1];
    else if (child && parent) get(parent).dependencies!.push(child[1]);
  }

  const complete = new Map<string, SeedRunbook>();
  for (const [id, rb] of partial) {
    for (const key of ["severity", "responseLabel", "owners", "validation", "tables", "proseTokens"] as const) {
      if (rb[key] === undefined) throw new Error(`seed: ${id} is missing ${key}`);
    }
    complete.set(id, rb as SeedRunbook);
  }
  return complete;
}

/** "<15 min" → 15, "<1 hour" → 60, "30-60 min" → 60 (the upper bound), "N/A (planned)" → null. */
function responseMinutes(label: string): number | null {
  if (/^N\/A/.test(label)) return null;
  const m = /(\d+)\s*(min|hours?)\b/.exec(label);
  if (!m) throw new Error(`seed: unreadable response time "${label}"`);
  return Number(m[1]) * (m[2] === "min" ? 1 : 60);
}

// ---------------------------------------------------------------------------------------------------------------
// The check: every seed number in the runbook it belongs to.

type Loaded = { runbook: Runbook; raw: string; tableRows: string[] };

function loadWithSources(dir: string) {
  const { runbooks, errors } = loadRunbookDir(dir);
  const byId = new Map<string, Loaded>();
  for (const runbook of runbooks) {
    const raw = runbook.source;
    const tableRows: string[] = [];
    for (const node of parse(raw).children) {
      if (node.type === "table") tableRows.push(...rowsOf(node).rows.map((r) => r.join(" | ")));
    }
    byId.set(runbook.id, { runbook, raw, tableRows });
  }
  return { byId, errors };
}

/** Every seed number missing from its runbook, as readable problems. Empty when the runbooks agree with the seed. */
function missingSeedNumbers(seed: Map<string, SeedRunbook>, dir: string): string[] {
  const { byId } = loadWithSources(dir);
  const problems: string[] = [];
  for (const s of seed.values()) {
    const rb = byId.get(s.id);
    if (!rb) {
      problems.push(`${s.id}: no runbook file`);
      continue;
    }
    if (!rb.raw.includes(s.responseLabel)) problems.push(`${s.id}: response time "${s.responseLabel}" missing`);
    // Each seed table row must be reproduced as one row of a GFM table in the runbook, every number included.
    for (const table of s.tables) {
      for (const row of table.rows) {
        const label = row[0];
        const needed = tokens(row.slice(1).join(" | "), ANY_TOKEN);
        const match = rb.tableRows.find((r) => r.includes(label) && needed.every((t) => hasToken(r, t)));
        if (!match) {
          const best = rb.tableRows.find((r) => r.includes(label));
          const missing = best ? needed.filter((t) => !hasToken(best, t)) : needed;
          problems.push(`${s.id}: ${table.name} row "${label}" not reproduced (missing ${missing.join(", ") || "the row"})`);
        }
      }
    }
    // Numbers in the seed's prose for this runbook (frequencies, thresholds, before/after) must appear somewhere.
    for (const t of s.proseTokens) if (!hasToken(rb.raw, t)) problems.push(`${s.id}: "${t}" missing`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * An unquoted " #" in YAML starts a comment, silently truncating the value: `method: Pilot incident (Run #2 timeout)`
 * reads as "Pilot incident (Run". Returns the text of every comment in the file's front matter.
 */
function frontMatterComments(raw: string): string[] {
  const fm = /^---\n([\s\S]*?)\n---/.exec(raw);
  if (!fm) return ["no front matter"];
  const doc = parseDocument(fm[1]);
  const found: string[] = [];
  if (doc.comment) found.push(doc.comment);
  if (doc.commentBefore) found.push(doc.commentBefore);
  visit(doc, {
    Node(_, node) {
      if (node.comment) found.push(node.comment);
      if (node.commentBefore) found.push(node.commentBefore);
    },
    Pair(_, pair) {
      const key = pair.key as { comment?: string | null; commentBefore?: string | null } | null;
      if (key?.comment) found.push(key.comment);
    },
  });
  return found;
}

/**
 * Runbooks with a known defect in a file outside this change's remit. RB-CORE-001's `validation.method` (and a
 * changelog entry) contain an unquoted " #2", so YAML reads the method as "Pilot incident (Run". Fix: quote both
 * values in runbooks/rb-core-001-flow-failure-response.md, then delete this entry.
 */

const seed = readSeed(readFileSync(SEED_FILE, "utf8"));
const { byId: loaded, errors: loadErrors } = loadWithSources(RUNBOOK_DIR);
const ids = [...seed.keys()].sort();
const table = (id: string, name: string) => seed.get(id)!.tables.find((t) => t.name === name);

describe("the seed, as this test reads it", () => {
  it("names ten runbooks and the tables the runbooks must reproduce", () => {
    expect(ids).toHaveLength(10);
    expect(table("RB-CORE-003", "Quota Baselines")?.rows.map((r) => r[0])).toEqual(["Anthropic", "OpenAI", "Google"]);
    expect(table("RB-LAUNCH-003", "Scaling Targets")?.rows.map((r) => r[0])).toEqual(["Pilot", "Phase 6", "Phase 7"]);
    expect(table("RB-LAUNCH-004", "Budget Thresholds")?.rows.map((r) => r[0])).toEqual(["Target", "Soft Limit", "Hard Limit"]);
    expect(table("RB-CORE-004", "Response by Scenario")?.rows).toHaveLength(3);
  });

  it("extracts the numbers that matter from tables and prose", () => {
    const budget = table("RB-LAUNCH-004", "Budget Thresholds")!.rows.flatMap((r) => tokens(r.join(" "), ANY_TOKEN));
    expect(budget).toEqual(expect.arrayContaining(["$35", "$50", "$75", "$200", "$300", "$450"]));
    const quotas = table("RB-CORE-003", "Quota Baselines")!.rows.flatMap((r) => tokens(r.join(" "), ANY_TOKEN));
    expect(quotas).toEqual(expect.arrayContaining(["500K", "2M", "10M", "400K", "1.5M", "7.5M", "250K", "1M", "5M", "85%"]));
    const scaling = table("RB-LAUNCH-003", "Scaling Targets")!.rows.flatMap((r) => tokens(r.join(" "), ANY_TOKEN));
    expect(scaling).toEqual(expect.arrayContaining(["3", "5-20", "10-50", "100", "200", "500", "50+"]));
    expect(seed.get("RB-CORE-002")!.proseTokens).toEqual(expect.arrayContaining(["245KB", "165KB", "-33%", "187s", "98s", "-48%", "90%", "120s", "180s"]));
    expect(seed.get("RB-LAUNCH-004")!.proseTokens).toEqual(expect.arrayContaining(["$5", "-15%", "-20%", "-10%"]));
    expect(seed.get("RB-LAUNCH-005")!.proseTokens).toEqual(expect.arrayContaining(["40%", "30%", "15%", "10%", "5%", "0-5", "15-30"]));
  });

  it("does not let $5 match $50, or 0-5 match 10-50", () => {
    expect(hasToken("cap $50/day", "$5")).toBe(false);
    expect(hasToken("cap $5/day", "$5")).toBe(true);
    expect(hasToken("HPA 10-50", "0-5")).toBe(false);
    expect(hasToken("quota 12M/day", "2M")).toBe(false);
  });
});

describe("runbooks/ against the seed", () => {
  it("loads all ten runbooks with zero errors", () => {
    expect(loadErrors.map((e) => e.message)).toEqual([]);
    expect([...loaded.keys()].sort()).toEqual(ids);
  });

  it.each(ids)("%s has the seed's severity, owners and response time", (id) => {
    const s = seed.get(id)!;
    const rb = loaded.get(id)!.runbook;
    expect(rb.severity).toBe(s.severity);
    expect(rb.severityNote).toBe(s.severityNote);
    expect(rb.owners).toEqual(s.owners);
    expect(rb.responseTime).toEqual({ minutes: responseMinutes(s.responseLabel), label: s.responseLabel });
  });

  for (const id of ids) {
    it(`${id} has the seed's validation record`, () => {
      const { method, date, status, note } = seed.get(id)!.validation;
      const v = loaded.get(id)!.runbook.validation;
      expect({ method: v.method, date: v.date, status: v.status }).toEqual({ method, date, status });
      if (note) expect(v.note).toBe(note);
    });
    it(`${id} has no YAML comment cutting a front-matter value short`, () => {
      expect(frontMatterComments(loaded.get(id)!.raw)).toEqual([]);
    });
  }

  it.each(ids)("%s has the seed's dependencies, and links only to them", (id) => {
    const rb = loaded.get(id)!.runbook;
    expect([...rb.dependencies].sort()).toEqual([...seed.get(id)!.dependencies].sort());
    const links = rb.steps.flatMap((st) => (st.link ? [st.link] : []));
    for (const link of links) expect(rb.dependencies).toContain(link);
  });

  it.each(ids.filter((id) => seed.get(id)!.useWhen && !["RB-LAUNCH-002"].includes(id)))("%s uses the seed's 'When to Use' bullets", (id) => {
    expect(loaded.get(id)!.runbook.useWhen).toEqual(seed.get(id)!.useWhen);
  });

  it.each(ids.filter((id) => seed.get(id)!.timeline))("%s carries the seed's response timeline", (id) => {
    const expected = seed.get(id)!.timeline!;
    const actual = loaded.get(id)!.runbook.timeline ?? [];
    expect(actual.map(({ fromMinutes, toMinutes }) => ({ fromMinutes, toMinutes }))).toEqual(
      expected.map(({ fromMinutes, toMinutes }) => ({ fromMinutes, toMinutes })),
    );
    actual.forEach((phase, i) => expect(phase.label).toContain(expected[i].label));
  });

  // Each of the next two loads and parses all ten runbooks: 2.2 s (45 % of vitest's 5 s default) in a
  // loaded run of `npm test` beside a CPU hog. 15 s keeps them well under half their timeout.
  it("every number in the seed's tables and prose appears in its runbook", { timeout: 15_000 }, () => {
    expect(missingSeedNumbers(seed, RUNBOOK_DIR)).toEqual([]);
  });

  it("reports a number removed from a runbook", { timeout: 15_000 }, () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "runbooks-"));
    try {
      const dir = path.join(tmp, "runbooks");
      cpSync(RUNBOOK_DIR, dir, { recursive: true });
      const edit = (file: string, from: RegExp, to: string) => {
        const p = path.join(dir, path.basename(loaded.get(file)!.runbook.file));
        writeFileSync(p, readFileSync(p, "utf8").replace(from, to));
      };
      edit("RB-LAUNCH-004", /\$50\/day/g, "$55/day");
      edit("RB-CORE-003", /\| 2M\/day \|/g, "| 2.5M/day |");
      edit("RB-LAUNCH-003", /5-20 \(HPA\)/g, "5-25 (HPA)");
      const problems = missingSeedNumbers(seed, dir);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^RB-LAUNCH-004: Budget Thresholds row "Soft Limit" not reproduced \(missing \$50\)/),
          expect.stringMatching(/^RB-CORE-003: Quota Baselines row "Anthropic" not reproduced \(missing 2M\)/),
          expect.stringMatching(/^RB-LAUNCH-003: Scaling Targets row "Phase 6" not reproduced \(missing 5-20\)/),
        ]),
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
