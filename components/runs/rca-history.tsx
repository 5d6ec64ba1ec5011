import { Link } from "@/components/ui/link";
import type { RcaHistory } from "@/lib/data/rca";
import { paths } from "@/lib/paths";
import { Card } from "../ui/card";
import { Time } from "../ui/time";
import { cx } from "../ui/cx";
import { DataTable } from "../ui/data-table";

const MARK = { same: " ", added: "+", removed: "-" } as const;

/** Every saved version of a run's RCA (who, when, hash), and the lines one of them changed from the one before. */
export function RcaHistoryCard({ runId, history }: { runId: string; history: RcaHistory }) {
  const { versions, diff } = history;
  return (
    <Card title="History" className="mt-6">
      {versions.length === 0 ? (
        <p className="text-sm text-zinc-500">No version saved yet.</p>
      ) : (
        <>
          <DataTable
            variant="compact"
            testId="rca-history"
            rows={versions}
            rowKey={(v) => String(v.version)}
            rowProps={(v) => ({ "aria-current": diff?.version === v.version ? "true" : undefined })}
            columns={[
              { header: "Version", cell: (v) => v.version },
              { header: "Saved by", cell: (v) => v.author },
              { header: "When", cell: (v) => <Time value={new Date(v.createdAt)} /> },
              { header: "sha256", className: "font-mono text-xs", cell: (v) => <span title={v.sha256}>{v.sha256.slice(0, 12)}</span> },
              {
                header: "Changes",
                hideHeader: true,
                className: "text-xs",
                cell: (v) => (
                  <>
                    <Link href={paths.rca(runId, v.version)} className="text-indigo-700 underline dark:text-indigo-300">
                      Changes in version {v.version}
                    </Link>{" "}
                    ·{" "}
                    <a href={paths.api.rcaMarkdown(runId, v.version)} className="text-indigo-700 underline dark:text-indigo-300" download>
                      Markdown
                    </a>
                  </>
                ),
              },
            ]}
          />
          {diff && (
            <section className="mt-4" data-testid="rca-diff" aria-label={`Changes in version ${diff.version}`}>
              <h3 className="text-sm font-semibold">
                Changes in version {diff.version} {diff.previous ? `(since version ${diff.previous})` : "(the first version)"}
              </h3>
              <pre className="mt-2 max-h-[32rem] overflow-auto rounded-md border border-zinc-200 text-xs dark:border-zinc-800">
                {diff.rows.map((r, i) =>
                  r.kind === "skipped" ? (
                    <div key={i} className="bg-zinc-50 px-2 text-zinc-500 dark:bg-zinc-950">
                      … {r.lines} unchanged line{r.lines === 1 ? "" : "s"}
                    </div>
                  ) : (
                    <div
                      key={i}
                      data-change={r.kind}
                      className={cx(
                        "px-2 whitespace-pre-wrap",
                        r.kind === "added" && "bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
                        r.kind === "removed" && "bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100",
                      )}
                    >
                      <span aria-hidden="true" className="select-none">
                        {MARK[r.kind]}{" "}
                      </span>
                      {r.kind === "added" && <span className="sr-only">added: </span>}
                      {r.kind === "removed" && <span className="sr-only">removed: </span>}
                      {r.text}
                    </div>
                  ),
                )}
              </pre>
            </section>
          )}
        </>
      )}
    </Card>
  );
}
