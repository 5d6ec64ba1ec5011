import { currentActor } from "@/lib/auth/session";
import { getChainHead } from "@/lib/data/audit";
import { exportHead } from "@/lib/audit/heads";
import { attachment, json } from "@/lib/audit/http";
import { readRefusal } from "@/lib/http/read-access";

export const dynamic = "force-dynamic";

/** One head as the JSON file to keep outside the portal (and paste back later to verify against). */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d{1,18}$/.test(id)) return json({ ok: false, code: "INVALID", message: "Not a head id." }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "audit.verify", "GET /api/audit/heads/[id]");
  if (refused) return refused;
  const head = await getChainHead(actor!, BigInt(id));
  if (!head) return json({ ok: false, code: "NOT_FOUND", message: "There is no such head." }, { status: 404 });
  return json(exportHead(head), { headers: { "content-disposition": attachment(`audit-head-${head.id}-event-${head.seq}.json`) } });
}
