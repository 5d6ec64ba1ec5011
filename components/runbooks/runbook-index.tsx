"use client";

import { Link } from "@/components/ui/link";
import { useDeferredValue, useMemo, useRef, useState, useEffect, type RefObject } from "react";
import { useQuery } from "@tanstack/react-query";
import type { DrillValidation } from "@/lib/data/drills";
import { stepTextQuery, upkeepQuery } from "@/lib/client/runbooks";
import type { RunbookMaintenance } from "@/lib/reviews/maintenance";
import { ROLES, ROLE_LABELS, type Role } from "@/lib/auth/roles";
import { searchRunbooks, type RunbookEntry, type RunbookFilters } from "@/lib/runbooks/search";
import { SEVERITIES, CATEGORIES } from "@/lib/runbooks/vocabulary";
import { paths } from "@/lib/paths";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";
import { DataTable } from "../ui/data-table";
import { SeverityBadge } from "./severity-badge";
import { SelectOptions } from "../ui/select-options";

type View = "severity" | "category";
const CATEGORY_LABEL = { launch: "Launch operations", core: "Core operations" } as const;
const select = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/** Reads and writes the filters in the query string, so a filtered view can be shared by link. */
type Filters = RunbookFilters & { view: View; overdue?: boolean };

/** The filters as a query string (empty when none is set). */
function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.query) q.set("q", f.query);
  if (f.severity) q.set("severity", f.severity);
  if (f.category) q.set("category", f.category);
  if (f.role) q.set("role", f.role);
  if (f.view !== "severity") q.set("view", f.view);
  if (f.overdue) q.set("review", "overdue");
  return q;
}

/**
 * What someone typed or chose in the filter controls before the page's scripts ran (the server renders them empty),
 * or null when they touched none. React leaves those values in the controls when it hydrates; the filters must follow.
 */
function typedBeforeHydration(controls: HTMLElement | null): Partial<Filters> | null {
  if (!controls) return null;
  const value = (name: string) => controls.querySelector<HTMLInputElement | HTMLSelectElement>(`[name="${name}"]`)?.value ?? "";
  const typed: Partial<Filters> = {};
  if (value("q")) typed.query = value("q");
  if (value("severity")) typed.severity = value("severity") as RunbookFilters["severity"];
  if (value("category")) typed.category = value("category") as RunbookFilters["category"];
  if (value("role")) typed.role = value("role") as Role;
  if (controls.querySelector<HTMLInputElement>('[name="review"]')?.checked) typed.overdue = true;
  return Object.keys(typed).length ? typed : null;
}

function useUrlFilters(controls: RefObject<HTMLElement | null>): [Filters, (next: Partial<Filters>) => void] {
  const [state, setState] = useState<Filters>({ view: "severity" });
  const write = (f: Filters) => {
    setState(f);
    const q = queryOf(f);
    window.history.replaceState(null, "", q.size ? `?${q}` : window.location.pathname);
  };
  useEffect(() => {
    const q = new URLSearchParams(window.location.search);
    const typed = typedBeforeHydration(controls.current);
    // Without filters in the address or the controls the state is already right: setting it again would render the table twice.
    if (q.size === 0 && !typed) return;
    // Deliberately after hydration: the page is prerendered without the query string.
    const fromUrl: Filters = {
      query: q.get("q") ?? "",
      severity: (q.get("severity") as RunbookFilters["severity"]) ?? "",
      category: (q.get("category") as RunbookFilters["category"]) ?? "",
      role: (q.get("role") as Role) ?? "",
      view: q.get("view") === "category" ? "category" : "severity",
      overdue: q.get("review") === "overdue",
    };
    // What the person typed before the scripts ran is newer than the link they came by, and goes into it.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- one-time read of the URL and the controls after hydration
    if (typed) write({ ...fromUrl, ...typed });
    else setState(fromUrl);
    // Once, after hydration.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return [state, (next) => write({ ...state, ...next })];
}

const nothing = () => null;

/** What loads after the page and shows in the validation column. */
type Late = { maintenance?: Record<string, RunbookMaintenance>; drills?: Map<string, DrillValidation> };

/**
 * The page is prerendered with what only changes with a build (titles, severities, when to use); the rest loads
 * here: completed drills, review schedules and open gaps (they change as people work), and, once someone searches,
 * the step text the search also looks in (kept out of the page's HTML, and not read for a person who only looks).
 * Until the step text is in, the search matches ids, titles and when-to-use, and the list says so.
 *
 * Review schedules and drills are read once, together, here, and drawn through `useDeferredValue`: their arrival
 * renders the table again in a render React can pause, not in one task. Twenty cells reading them for themselves
 * took 80–110 ms of a phone's main thread in one piece as they arrived (docs/benchmarks.md, "Phone main thread").
 */
export function RunbookIndex({ entries }: { entries: RunbookEntry[] }) {
  const controls = useRef<HTMLDivElement>(null);
  const [f, update] = useUrlFilters(controls);
  const { data: stepTexts } = useQuery({ ...stepTextQuery, enabled: Boolean(f.query), select: f.query ? (t: Record<string, string> | null) => t : nothing });
  const { data: upkeep } = useQuery(upkeepQuery);
  const maintenance = upkeep?.maintenance;
  const late = useDeferredValue(useMemo<Late>(() => ({ maintenance: upkeep?.maintenance, drills: upkeep && new Map(upkeep.drills.map((d) => [d.runbookId, d])) }), [upkeep]));
  const overdue = f.overdue && maintenance ? Object.keys(maintenance).filter((id) => maintenance[id].overdue).join(" ") : undefined;
  const searchable = useMemo(() => (stepTexts ? entries.map((e) => ({ ...e, stepsText: stepTexts[e.id] })) : entries), [entries, stepTexts]);
  const results = useMemo(() => {
    const found = searchRunbooks(searchable, f);
    if (!f.overdue) return found;
    const ids = new Set((overdue ?? "").split(" "));
    return found.filter((e) => ids.has(e.id));
  }, [searchable, f, overdue]);
  const grouped = f.view === "category" && !f.query;
  const groups = useMemo<[string, RunbookEntry[]][]>(
    () =>
      grouped
        ? CATEGORIES.map((c) => [CATEGORY_LABEL[c], results.filter((e) => e.category === c)] as [string, RunbookEntry[]]).filter(([, list]) => list.length > 0)
        : [["", results]],
    [grouped, results],
  );
  const tables = useMemo(
    () =>
      groups.map(([label, list]) => (
        <section key={label || "all"} className="mt-3">
          {label && <h2 className="mb-2 mt-4 text-sm font-semibold">{label}</h2>}
          <DataTable
            testId="runbook-results"
            stackOnPhone
            rows={list}
            rowKey={(rb) => rb.id}
            rowProps={(rb) => ({ "data-testid": "runbook-row", "data-runbook": rb.id, className: "align-top hover:bg-zinc-50 dark:hover:bg-zinc-800/50" })}
            columns={[
              {
                header: "Runbook",
                cell: (rb) => (
                  <>
                    <Link href={paths.runbook(rb.id)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {rb.id}
                    </Link>
                    <div className="text-zinc-700 dark:text-zinc-300">{rb.title}</div>
                  </>
                ),
              },
              { header: "Severity", cell: (rb) => <SeverityBadge severity={rb.severity} note={rb.severityNote} /> },
              {
                header: "Use when",
                className: "text-zinc-600 dark:text-zinc-400",
                cell: (rb) => (
                  <ul className="list-disc pl-4">
                    {rb.useWhen.slice(0, 3).map((u) => (
                      <li key={u}>{u}</li>
                    ))}
                  </ul>
                ),
              },
              { header: "Response", className: "whitespace-nowrap", phoneLabel: true, cell: (rb) => rb.responseTime },
              {
                header: "Validation",
                cell: (rb) => (
                  <>
                    <Badge tone={rb.validation.status === "validated" ? "green" : "amber"}>{rb.validation.status}</Badge>
                    <div className="mt-1 text-xs text-zinc-500">
                      {rb.validation.method}, {rb.validation.date}
                    </div>
                    <ReviewSchedule id={rb.id} loaded={late.maintenance !== undefined} m={late.maintenance?.[rb.id]} />
                    <DrillResult d={late.drills?.get(rb.id)} />
                  </>
                ),
              },
            ]}
          />
        </section>
      )),
    [groups, late],
  );
  return (
    <div>
      <div ref={controls} role="search" className="flex flex-wrap items-end gap-3">
        <label className="flex min-w-64 flex-1 flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Search title, when to use and steps
          <input
            type="search"
            name="q"
            value={f.query ?? ""}
            onChange={(e) => update({ query: e.target.value })}
            placeholder="e.g. 429, timeout, API key leak"
            className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            autoFocus
          />
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Severity
          <select name="severity" className={select} value={f.severity ?? ""} onChange={(e) => update({ severity: e.target.value as RunbookFilters["severity"] })}>
            <SelectOptions empty="All" values={SEVERITIES} />
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Category
          <select name="category" className={select} value={f.category ?? ""} onChange={(e) => update({ category: e.target.value as RunbookFilters["category"] })}>
            <SelectOptions empty="All" values={CATEGORIES} label={(c) => CATEGORY_LABEL[c]} />
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Signed off by
          <select name="role" className={select} value={f.role ?? ""} onChange={(e) => update({ role: e.target.value as Role })}>
            <SelectOptions empty="Any role" values={ROLES} label={(r) => ROLE_LABELS[r]} />
          </select>
        </label>
        <label className="flex items-center gap-2 self-center text-sm">
          <input type="checkbox" name="review" checked={Boolean(f.overdue)} onChange={(e) => update({ overdue: e.target.checked })} />
          Overdue for review
        </label>
        <div role="group" aria-label="View" className="flex overflow-hidden rounded-md border border-zinc-300 text-sm dark:border-zinc-700">
          {(["severity", "category"] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={f.view === v}
              onClick={() => update({ view: v })}
              className={cx("px-3 py-1.5", f.view === v ? "bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900" : "bg-white dark:bg-zinc-900")}
            >
              By {v}
            </button>
          ))}
        </div>
      </div>
      <p className="mt-3 text-xs text-zinc-500" aria-live="polite">
        {results.length === entries.length ? `${entries.length} runbooks` : `${results.length} of ${entries.length} runbooks`}
        {f.query ? ", most relevant first" : ""}
        {f.query && !stepTexts ? " (step text still loading: matching titles and when to use only)" : ""}
        {f.overdue && overdue == null ? " (review dates still loading)" : ""}
      </p>
      {results.length === 0 && <p className="mt-6 text-sm text-zinc-600">No runbook matches. Try fewer words, or clear a filter.</p>}
      {tables}
    </div>
  );
}

/** A runbook's review schedule and open gaps; two lines are kept free until they load, so the table does not jump. */
function ReviewSchedule({ id, loaded, m }: { id: string; loaded: boolean; m: RunbookMaintenance | undefined }) {
  if (!loaded) return <div className="mt-1 h-8" aria-hidden="true" />;
  if (!m) return null;
  return (
    <div className="mt-1 text-xs" data-testid="review-schedule">
      <span className={m.overdue ? "font-semibold text-red-700 dark:text-red-300" : "text-zinc-500"} data-testid="next-review">
        Next review {m.nextReview}
        {m.overdue ? " (overdue)" : ""}
      </span>
      <span className="block text-zinc-500">
        {m.lastReview ? `Last reviewed ${m.lastReview}` : "No review recorded"} · {m.cadence}
      </span>
      {m.openGaps > 0 && (
        <Link href={paths.runbook(id)} className="mt-1 inline-block" data-testid="open-gaps">
          <Badge tone="amber">
            {m.openGaps} open gap{m.openGaps === 1 ? "" : "s"}
          </Badge>
        </Link>
      )}
    </div>
  );
}

/** The runbook's latest finished drill, beside the seed's validation record. */
function DrillResult({ d }: { d: DrillValidation | undefined }) {
  if (!d) return null;
  return (
    <div className="mt-1 text-xs" data-testid="drill-validation">
      <Link href={paths.run(d.runId)} className="text-emerald-700 hover:underline dark:text-emerald-300">
        Drill{d.scenario ? ` (${d.scenario})` : ""}, {d.date}: {d.result}
      </Link>
    </div>
  );
}
