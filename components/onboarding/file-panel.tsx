"use client";

import { useState, type ReactNode } from "react";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";

/** A generated file shown in full, with Copy (to the clipboard) and Download (from the authorised route). */
export function FilePanel({ name, text, href, testId }: { name: string; text: string; href: string; testId: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
    setTimeout(() => setCopied(null), 2_000);
  }
  return (
    <div data-testid={testId}>
      <div className="mb-2 flex flex-wrap items-center gap-2">
        <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{name}</span>
        <span className="ml-auto flex gap-2">
          <button type="button" onClick={copy} className={buttonClass("secondary")}>
            Copy
          </button>
          <a href={href} download={name} className={buttonClass("secondary")}>
            Download
          </a>
        </span>
        <span role="status" className="w-full text-right text-xs text-zinc-500">
          {copied === "yes" ? "Copied to the clipboard." : copied === "failed" ? "Could not copy: select the text instead." : ""}
        </span>
      </div>
      <pre className="max-h-80 overflow-auto rounded-md bg-zinc-950 p-3 text-xs leading-relaxed text-zinc-100" tabIndex={0} aria-label={name}>
        <code>{text}</code>
      </pre>
    </div>
  );
}

/** A card for one generated file: where it goes and what it does (`children`), then the file itself. */
export function FileCard({ title, file, href, testId, children }: { title: string; file: { name: string; text: string }; href: string; testId: string; children: ReactNode }) {
  return (
    <Card title={title}>
      <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">{children}</p>
      <FilePanel name={file.name} text={file.text} href={href} testId={testId} />
    </Card>
  );
}
