import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { currentActor } from "@/lib/auth/session";
import { readRefusal } from "@/lib/http/read-access";
import { getRunView } from "@/lib/data/run-view";
import { getRcaVersion, listRcaVersions } from "@/lib/data/rca";
import { rcaDraft } from "@/lib/runs/rca";
import { rcaQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

/**
 * The run's RCA as a Markdown file: the latest saved version, or the draft pre-filled from the run; `?version=N` one
 * saved version; `?format=versions` the saved versions as JSON (number, author, time, sha256; newest first).
 */
export async function GET(req: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return NextResponse.json({ message: "Not a run id." }, { status: 400 });
  const query = rcaQuerySchema.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!query.success) return NextResponse.json({ message: query.error.issues[0].message }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "run.view", "GET /api/runs/[id]/rca", req.headers);
  if (!actor || refused) return refused!;
  const view = await getRunView(actor, id.data);
  if (!view) return NextResponse.json({ message: "There is no such run." }, { status: 404 });
  const headers = { "Cache-Control": "private, no-store" };
  if (query.data.format === "versions") {
    return NextResponse.json({ runId: view.id, versions: (await listRcaVersions(actor, id.data)) ?? [] }, { headers });
  }
  let markdown = view.rca?.markdown ?? rcaDraft(view);
  if (query.data.version) {
    const saved = await getRcaVersion(actor, id.data, query.data.version);
    if (!saved) return NextResponse.json({ message: `This RCA has no version ${query.data.version}.` }, { status: 404 });
    markdown = saved.markdown;
  }
  const name = `rca-${view.runbookId}-${view.id.slice(0, 8)}${query.data.version ? `-v${query.data.version}` : ""}.md`;
  return new NextResponse(markdown, { headers: { ...headers, "Content-Type": "text/markdown; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` } });
}
