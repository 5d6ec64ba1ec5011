import type { Metadata } from "next";
import { connection } from "next/server";
import { Link } from "@/components/ui/link";
import { paths } from "@/lib/paths";

export const metadata: Metadata = { title: "Not found" };

/**
 * A link that leads nowhere: an unknown address, or a run, incident or runbook that does not exist. Rendered per
 * request (connection()), so its scripts carry the response's CSP nonce like every other page that is not in
 * proxy.ts's list of prerendered ones.
 */
export default async function NotFound() {
  await connection();
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-xl font-semibold">Nothing here</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        That page does not exist. The link may be mistyped, or what it pointed at (a run, an incident, a runbook) may not exist here.
      </p>
      <Link href={paths.home()} className="mt-4 inline-block text-indigo-700 hover:underline dark:text-indigo-300">
        Back to the start page
      </Link>
    </main>
  );
}
