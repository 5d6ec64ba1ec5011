"use client";

import { useEffect, useState } from "react";
import { Button } from "../ui/button";

/**
 * Shown when a page fails. Production hides error details from the browser, so it asks /api/health whether the
 * database is the cause and says so plainly; otherwise it shows the reference the server log has.
 */
export function ErrorPanel({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const [dbDown, setDbDown] = useState<boolean | null>(null);
  useEffect(() => {
    fetch("/api/health", { cache: "no-store" })
      .then((r) => setDbDown(r.status === 503))
      .catch(() => setDbDown(null));
  }, []);
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-lg border border-red-300 bg-red-50 p-6 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <h1 className="text-lg font-semibold">{dbDown ? "The database is unreachable" : "This page could not be loaded"}</h1>
      <p className="mt-2 text-sm">
        {dbDown
          ? "The portal cannot reach PostgreSQL right now, so nothing can be shown or changed. Nothing was half-written. Try again in a moment."
          : "Something went wrong on the server. Nothing was changed."}
      </p>
      {error.digest && <p className="mt-2 font-mono text-xs">Reference: {error.digest}</p>}
      <Button className="mt-4" variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
