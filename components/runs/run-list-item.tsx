import { Link } from "@/components/ui/link";
import type { ReactNode } from "react";
import { paths } from "@/lib/paths";
import { Badge } from "../ui/badge";

/** A run in a list of runs in progress: its runbook and title, linked, drills marked; `children` says where it stands. */
export function RunListItem({ run, children }: { run: { id: string; runbookId: string; title: string; drill: boolean }; children?: ReactNode }) {
  return (
    <li className="py-2">
      <Link href={paths.run(run.id)} className="font-medium hover:underline">
        {run.runbookId} {run.title}
      </Link>
      {run.drill && (
        <Badge tone="violet" className="ml-2">
          drill
        </Badge>
      )}
      {children}
    </li>
  );
}
