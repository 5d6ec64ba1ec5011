"use client";

import { useActionState, useRef } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { HeadCheckReport } from "@/lib/audit/actions";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { ChainReportView } from "./chain-actions";

type Action = (prev: ActionResult<HeadCheckReport> | null, form: FormData) => Promise<ActionResult<HeadCheckReport>>;

/** Paste (or pick the file of) an exported head; the server proves the log was only appended to since, or says what changed. */
export function VerifyHeadForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  const text = useRef<HTMLTextAreaElement>(null);
  const error = state && !state.ok ? (state.fieldErrors?.head?.join(" ") ?? state.message) : null;
  return (
    <form action={formAction} className="space-y-2" data-testid="verify-head-form">
      <label htmlFor="head-json" className="block text-sm font-medium">
        Exported head (JSON), or an evidence bundle
      </label>
      <textarea
        id="head-json"
        name="head"
        ref={text}
        rows={6}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "head-json-error" : undefined}
        className="block w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-950"
        placeholder='{"format":"orchestrator-audit-head/v1","seq":"…","hash":"…","hmac":"…"}'
      />
      <div className="flex flex-wrap items-center gap-3">
        <label className="text-sm">
          <span className="sr-only">Or choose the file</span>
          <input
            type="file"
            accept="application/json,.json"
            className="text-sm"
            onChange={async (ev) => {
              const file = ev.currentTarget.files?.[0];
              if (file && text.current) text.current.value = await file.text();
            }}
          />
        </label>
        <Button type="submit" disabled={pending}>
          {pending ? "Verifying…" : "Verify against this head"}
        </Button>
      </div>
      {error && (
        <p id="head-json-error" role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
      {state?.ok && (
        <div data-testid="head-check-result">
          <p role="status" className={cx("rounded-md border p-3 text-sm", state.data.verdict === "appended-only" ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200" : "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200")}>
            <strong>{state.data.verdict === "appended-only" ? "Only appended to" : state.data.verdict === "tampered" ? "Changed since this head" : "Not signed here"}</strong>: {state.data.message}
            <span className="mt-1 block text-xs opacity-80">
              Signature {state.data.signature} · event {state.data.head.seq} {state.data.stored === "matches" ? "still has the head's hash" : state.data.stored === "missing" ? "is missing" : "has another hash"}
            </span>
          </p>
          <ChainReportView report={state.data.chain} />
        </div>
      )}
    </form>
  );
}
