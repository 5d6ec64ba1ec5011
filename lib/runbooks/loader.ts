import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import remarkFrontmatter from "remark-frontmatter";
import remarkRehype from "remark-rehype";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { Root, RootContent, Heading, Code } from "mdast";
import { toString as mdToString } from "mdast-util-to-string";
import { z } from "zod";
import { frontMatterSchema, stepMetaSchema, type FrontMatter, type StepMeta } from "./schema";
import { isCriticalAction } from "../control-plane/actions";
import { listPlaceholders } from "../control-plane/placeholders";

export type RunbookStep = StepMeta & {
  /** 1-based position in the procedure. */
  number: number;
  title: string;
  instructionsHtml: string;
  /** Plain text of title and instructions, for search. */
  text: string;
};

export type Runbook = FrontMatter & {
  file: string;
  /** The file's text; runs keep it so they never change when the file does. */
  source: string;
  contentHash: string;
  introHtml: string;
  appendixHtml: string;
  steps: RunbookStep[];
  /** Plain text of the whole document, for search. */
  text: string;
};

/** A problem in a runbook file, naming the file and, where they apply, the step and the field. */
export class RunbookError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly step?: string,
    readonly field?: string,
  ) {
    super([file, step && `step "${step}"`, field && `field "${field}"`, detail].filter(Boolean).join(": "));
    this.name = "RunbookError";
  }
}

const parser = unified().use(remarkParse).use(remarkFrontmatter, ["yaml"]).use(remarkGfm);
const renderer = unified().use(remarkRehype).use(rehypeSanitize).use(rehypeStringify);

function renderHtml(nodes: RootContent[]): string {
  if (nodes.length === 0) return "";
  const root: Root = { type: "root", children: nodes };
  return String(renderer.stringify(renderer.runSync(root)));
}

function zodErrors(file: string, error: z.ZodError, step?: string): RunbookError[] {
  return error.issues.map((i) => new RunbookError(file, i.message, step, i.path.join(".") || undefined));
}

function parseYamlBlock(file: string, text: string, what: string, step?: string): unknown {
  try {
    return parseYaml(text);
  } catch (e) {
    const msg = e instanceof YAMLParseError ? e.message.split("\n")[0] : String(e);
    throw new RunbookError(file, `${what} is not valid YAML: ${msg}`, step);
  }
}

const isStepBlock = (n: RootContent): n is Code => n.type === "code" && (n.meta ?? "").split(/\s+/).includes("step");

/** Parses one runbook file's text. Throws an AggregateError of RunbookErrors when it is broken. */
export function parseRunbook(file: string, source: string): Runbook {
  const errors: RunbookError[] = [];
  const tree = parser.parse(source) as Root;
  const [first, ...body] = tree.children;
  if (!first || first.type !== "yaml") throw new AggregateError([new RunbookError(file, "missing YAML front matter (--- … ---) at the top")]);

  const fm = frontMatterSchema.safeParse(parseYamlBlock(file, first.value, "front matter"));
  if (!fm.success) errors.push(...zodErrors(file, fm.error));

  const procIdx = body.findIndex((n) => n.type === "heading" && n.depth === 2 && /^procedure$/i.test(mdToString(n).trim()));
  if (procIdx < 0) errors.push(new RunbookError(file, 'missing "## Procedure" section'));
  const procEnd = procIdx < 0 ? -1 : body.findIndex((n, i) => i > procIdx && n.type === "heading" && n.depth <= 2);
  const intro = procIdx < 0 ? body : body.slice(0, procIdx + 1);
  const procedure = procIdx < 0 ? [] : body.slice(procIdx + 1, procEnd < 0 ? undefined : procEnd);
  const appendix = procEnd < 0 ? [] : body.slice(procEnd);

  const steps: RunbookStep[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < procedure.length; i++) {
    const node = procedure[i];
    if (node.type !== "heading" || node.depth !== 3) continue;
    const title = mdToString(node as Heading).replace(/^\s*(step\s*)?\d+[.)]?\s*[-—:]?\s*/i, "").trim();
    let end = procedure.findIndex((n, j) => j > i && n.type === "heading" && n.depth <= 3);
    if (end < 0) end = procedure.length;
    const content = procedure.slice(i + 1, end);
    const block = content.find(isStepBlock);
    const label = title || `#${steps.length + 1}`;
    if (!block) {
      errors.push(new RunbookError(file, 'has no ```yaml step block with its id, kind and sign-off roles', label));
      continue;
    }
    let raw: unknown;
    try {
      raw = parseYamlBlock(file, block.value, "step block", label);
    } catch (e) {
      errors.push(e as RunbookError);
      continue;
    }
    const stepName = typeof raw === "object" && raw && "id" in raw ? String((raw as { id: unknown }).id) : label;
    const meta = stepMetaSchema.safeParse(raw);
    if (!meta.success) {
      errors.push(...zodErrors(file, meta.error, stepName));
      continue;
    }
    if (seen.has(meta.data.id)) errors.push(new RunbookError(file, "duplicate step id", meta.data.id, "id"));
    seen.add(meta.data.id);
    const instructions = content.filter((n) => n !== block);
    steps.push({
      ...meta.data,
      number: steps.length + 1,
      title,
      instructionsHtml: renderHtml(instructions),
      text: `${title}\n${instructions.map((n) => mdToString(n)).join("\n")}`,
    });
  }
  if (procIdx >= 0 && steps.length === 0 && errors.length === 0) errors.push(new RunbookError(file, "the procedure has no steps (### headings)"));
  errors.push(...checkSteps(file, steps));

  if (errors.length > 0 || !fm.success) throw new AggregateError(errors, `${file} is invalid`);
  const visible = (nodes: RootContent[]) => nodes.filter((n) => !isStepBlock(n));
  return {
    ...fm.data,
    file,
    source,
    contentHash: createHash("sha256").update(source).digest("hex"),
    // The document's own "# ID — Title" heading is dropped: the portal's page renders the title itself.
    introHtml: renderHtml(visible(intro).filter((n, i) => !(i === 0 && n.type === "heading" && n.depth === 1))),
    appendixHtml: renderHtml(visible(appendix)),
    steps,
    text: [fm.data.title, ...fm.data.useWhen, mdToString({ type: "root", children: visible(body) } as Root)].join("\n"),
  };
}

/** Rules within one runbook that a schema cannot express. */
function checkSteps(file: string, steps: RunbookStep[]): RunbookError[] {
  const errors: RunbookError[] = [];
  for (const s of steps) {
    const need = (field: keyof StepMeta, ok: boolean, why: string) => {
      if (!ok) errors.push(new RunbookError(file, why, s.id, field));
    };
    if (s.kind === "action") need("action", Boolean(s.action), "an action step needs `action: { name, params }`");
    else need("action", !s.action || s.kind === "verification", "only action and verification steps may name a control-plane action");
    need("link", (s.kind === "link") === Boolean(s.link), s.kind === "link" ? "a link step needs `link: RB-…`" : "only link steps may link to a runbook");
    need("criteria", (s.kind === "decision") === Boolean(s.criteria), s.kind === "decision" ? "a decision step needs `criteria: { go, noGo }`" : "only decision steps have go/no-go criteria");
    if (s.kind === "decision") {
      need("onGo", Boolean(s.onGo), "a decision step needs `onGo`");
      need("onNoGo", Boolean(s.onNoGo), "a decision step needs `onNoGo`");
    }
    for (const field of ["onGo", "onNoGo"] as const) {
      const target = s[field];
      if (!target || target.startsWith("end:")) continue;
      const to = steps.find((t) => t.id === target);
      need(field, Boolean(to), `branch target "${target}" is not a step of this runbook`);
      if (to) need(field, to.number > s.number, `branch target "${target}" must come after the decision (runs only move forward)`);
    }
    for (const name of Object.keys(s.propose ?? {})) {
      need("propose", Boolean(s.action && listPlaceholders(s.action.params).includes(name)), `proposes "${name}", which is not a placeholder of this step's action`);
    }
    if (s.action && isCriticalAction(s.action.name, s.action.params)) {
      need("twoPerson", s.twoPerson, `action ${s.action.name} is critical and must set \`twoPerson: true\``);
    }
  }
  return errors;
}

/** Rules across runbooks: unique ids, dependencies and links that exist, and no cycle of links. */
export function checkCorpus(runbooks: Runbook[]): RunbookError[] {
  const errors: RunbookError[] = [];
  const byId = new Map<string, Runbook>();
  for (const rb of runbooks) {
    const other = byId.get(rb.id);
    if (other) errors.push(new RunbookError(rb.file, `duplicate runbook id (also in ${other.file})`, undefined, "id"));
    byId.set(rb.id, rb);
  }
  for (const rb of runbooks) {
    for (const dep of rb.dependencies) {
      if (!byId.has(dep)) errors.push(new RunbookError(rb.file, `depends on ${dep}, which does not exist`, undefined, "dependencies"));
    }
    for (const s of rb.steps) {
      if (s.link && !byId.has(s.link)) errors.push(new RunbookError(rb.file, `links to ${s.link}, which does not exist`, s.id, "link"));
      if (s.link === rb.id) errors.push(new RunbookError(rb.file, "links to its own runbook", s.id, "link"));
    }
  }
  // Depth-first search for a cycle of link steps (a run would open child runs forever).
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      const rb = byId.get(id)!;
      errors.push(new RunbookError(rb.file, `links form a cycle: ${cycle.join(" → ")}`, undefined, "link"));
      return;
    }
    state.set(id, "visiting");
    for (const s of byId.get(id)?.steps ?? []) if (s.link && byId.has(s.link) && s.link !== id) visit(s.link, [...trail, id]);
    state.set(id, "done");
  };
  for (const id of byId.keys()) visit(id, []);
  return errors;
}

export type LoadResult = { runbooks: Runbook[]; errors: RunbookError[] };

/** Loads every `*.md` runbook in `dir` (README.md excepted) and validates them together. */
export function loadRunbookDir(dir: string): LoadResult {
  const files = readdirSync(dir).filter((f) => f.endsWith(".md") && f.toLowerCase() !== "readme.md").sort();
  const runbooks: Runbook[] = [];
  const errors: RunbookError[] = [];
  for (const f of files) {
    const rel = path.join(path.basename(dir), f);
    try {
      runbooks.push(parseRunbook(rel, readFileSync(path.join(dir, f), "utf8")));
    } catch (e) {
      if (e instanceof AggregateError) errors.push(...(e.errors as RunbookError[]));
      else if (e instanceof RunbookError) errors.push(e);
      else errors.push(new RunbookError(rel, e instanceof Error ? e.message : String(e)));
    }
  }
  errors.push(...checkCorpus(runbooks));
  return { runbooks: runbooks.sort(compareRunbooks), errors };
}

const SEVERITY_ORDER = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3 } as const;
export function compareRunbooks(a: Runbook, b: Runbook): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id);
}
