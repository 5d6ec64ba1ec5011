"use client";

import { useActionState } from "react";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { ChainReport, SignHeadResult } from "@/lib/audit/actions";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";

type Action<T> = (prev: ActionResult<T> | null, form: FormData) => Promise<ActionResult<T>>;

function Failure({ result }: { result: ActionResult<unknown> | null }) {
  if (!result || result.ok) return null;
  return (
    <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
      {result.message}
      {result.correlationId && <span className="block font-mono text-xs">Reference: {result.correlationId}</span>}
    </p>
  );
}

const ANCHOR_STATUS: Record<NonNullable<ChainReport["anchors"]>["status"], string> = {
  ok: "Anchors agree",
  mismatch: "Anchors disagree",
  empty: "Nothing anchored yet",
  unreadable: "Anchor file unreadable",
  none: "Nothing anchored yet",
};

/** The database's heads compared with the copies outside it (the anchor file). */
function AnchorCheck({ anchors }: { anchors: NonNullable<ChainReport["anchors"]> }) {
  return (
    <div data-testid="anchor-check" data-status={anchors.status} className="mt-2 border-t border-current/20 pt-2">
      <strong>{ANCHOR_STATUS[anchors.status]}</strong>: {anchors.message}
      {anchors.problems.length > 0 && (
        <ul className="mt-1 list-disc pl-5" data-testid="anchor-problems">
          {anchors.problems.map((p, i) => (
            <li key={i} data-kind={p.kind}>
              {p.detail}
            </li>
          ))}
          {anchors.moreProblems > 0 && <li>…and {anchors.moreProblems} more.</li>}
        </ul>
      )}
      <span className="mt-1 block text-xs opacity-80">
        {anchors.entries} anchored head{anchors.entries === 1 ? "" : "s"} in <span className="break-all font-mono">{anchors.file}</span>
        {anchors.webhook ? "; each is also sent to the anchor webhook, whose receiver keeps its own copy." : "."}
      </span>
    </div>
  );
}

/** What a whole-chain verification found, in words. */
export function ChainReportView({ report }: { report: ChainReport }) {
  const good = report.ok && report.anchors?.status !== "mismatch";
  return (
    <div
      data-testid="chain-verify-result"
      role="status"
      className={cx(
        "mt-3 rounded-md border p-3 text-sm",
        good ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200",
      )}
    >
      {report.ok ? (
        <>
          <strong>Whole chain OK</strong>: <span data-testid="chain-verify-count">{report.events}</span> events, head event {report.headSeq ?? "—"}, head hash{" "}
          <span className="break-all font-mono text-xs" data-testid="chain-verify-head">
            {report.headHash}
          </span>
        </>
      ) : (
        <>
          <strong>
            First broken event: {report.seq} ({report.problem})
          </strong>
          : {report.detail}. {report.verifiedBeforeBreak} events verified before it.
        </>
      )}
      <span className="mt-1 block text-xs opacity-80">
        Checked against {report.headsChecked} signed head{report.headsChecked === 1 ? "" : "s"} (in the database and the anchor file) in {(report.ms / 1000).toFixed(1)} s
        <span data-testid="chain-verify-path">{report.path === "parallel" ? " (hashed in worker threads)" : ""}</span>.
        {report.invalidHeads.length > 0 && ` Heads with an invalid signature (not trusted): #${report.invalidHeads.join(", #")}.`}
      </span>
      {report.anchors && <AnchorCheck anchors={report.anchors} />}
    </div>
  );
}

/** "Verify whole chain" and, for auditors, InfoSec and incident commanders, "Sign a head now". */
export function ChainActions({ verify, sign, canSign }: { verify: Action<ChainReport>; sign: Action<SignHeadResult>; canSign: boolean }) {
  const [verified, verifyAction, verifying] = useActionState(verify, null);
  const [signed, signAction, signing] = useActionState(sign, null);
  const router = useRouter();
  useEffect(() => {
    if (signed?.ok) router.refresh();
  }, [signed, router]);
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2">
        <form action={verifyAction}>
          <Button type="submit" variant="secondary" disabled={verifying}>
            {verifying ? "Verifying…" : "Verify whole chain"}
          </Button>
        </form>
        {canSign && (
          <form action={signAction}>
            <Button type="submit" variant="secondary" disabled={signing}>
              {signing ? "Signing…" : "Sign a head now"}
            </Button>
          </form>
        )}
      </div>
      <Failure result={verified} />
      {verified?.ok && <ChainReportView report={verified.data} />}
      <Failure result={signed} />
      {signed?.ok && (
        <p role="status" data-testid="head-sign-result" className={cx("mt-2 text-sm", signed.data.signed ? "text-emerald-700 dark:text-emerald-300" : "text-red-700 dark:text-red-300")}>
          {signed.data.signed ? `Signed head #${signed.data.head.id} at event ${signed.data.head.seq} (${signed.data.verifiedEvents} events verified since the previous head).` : signed.data.message}
        </p>
      )}
    </div>
  );
}
