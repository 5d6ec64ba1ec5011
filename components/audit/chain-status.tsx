import { Link } from "@/components/ui/link";
import type { ChainStatus } from "@/lib/data/audit";
import { paths } from "@/lib/paths";
import { cx } from "@/components/ui/cx";

const OK = "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200";
const BAD = "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200";
const NEUTRAL = "border-zinc-300 bg-zinc-50 text-zinc-800 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200";

/** The check the page makes on load: the events since the last signed head (or the whole chain while it is small). */
export function ChainStatusBanner({ status }: { status: ChainStatus }) {
  const tone = status.mode === "not-checked" ? NEUTRAL : status.mode === "head-mismatch" || !status.result.ok ? BAD : OK;
  return (
    <div data-testid="chain-status" role="status" className={cx("rounded-md border p-3 text-sm", tone)}>
      {status.mode === "not-checked" && (
        <>
          <strong>Not checked on load</strong>: {status.events.toString()} events and no signed head yet. Use “Verify whole chain”.
        </>
      )}
      {status.mode === "head-mismatch" && (
        <>
          <strong>Chain broken</strong>: event {status.head.seq.toString()} no longer has the hash signed head #{status.head.id} recorded. Verify the whole chain to find the first broken event.
        </>
      )}
      {(status.mode === "full" || status.mode === "since-head") &&
        (status.result.ok ? (
          <>
            <strong>Chain verified</strong>
            {status.mode === "since-head" ? (
              <>
                {" "}
                since{" "}
                <Link href={paths.auditHeads()} className="underline">
                  signed head #{status.head.id}
                </Link>{" "}
                (event {status.head.seq.toString()}): {status.result.count} newer event{status.result.count === 1 ? "" : "s"} check out
              </>
            ) : (
              <>: {status.result.count} events</>
            )}
            , head event {status.result.headSeq?.toString() ?? (status.mode === "since-head" ? status.head.seq.toString() : "—")}, hash <span className="font-mono text-xs">{status.result.headHash.slice(0, 16)}…</span>
          </>
        ) : (
          <>
            <strong>Chain broken at event {status.result.seq.toString()}</strong> ({status.result.problem}): {status.result.detail}
          </>
        ))}
    </div>
  );
}
