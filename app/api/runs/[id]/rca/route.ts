import { NextResponse } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { can } from "@/lib/auth/permissions";
import { getRunView } from "@/lib/data/run-view";
import { rcaDraft } from "@/lib/runs/rca";

export const dynamic = "force-dynamic";

/** The run's RCA as a Markdown file: the saved text, or the draft pre-filled from the run. */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return NextResponse.json({ message: "Not a run id." }, { status: 400 });
  const actor = await currentActor();
  if (!actor) return NextResponse.json({ message: "Sign in first." }, { status: 401 });
  if (!can(actor, "run.view")) return NextResponse.json({ message: "You may not see runs." }, { status: 403 });
  const view = await getRunView(actor, id.data);
  if (!view) return NextResponse.json({ message: "There is no such run." }, { status: 404 });
  const markdown = view.rca?.markdown ?? rcaDraft(view);
  return new NextResponse(markdown, {
    headers: {
      "Content-Type": "text/markdown; charset=utf-8",
      "Content-Disposition": `attachment; filename="rca-${view.runbookId}-${view.id.slice(0, 8)}.md"`,
      "Cache-Control": "private, no-store",
    },
  });
}
