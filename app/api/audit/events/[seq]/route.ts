import { currentActor } from "@/lib/auth/session";
import { getAuditEventDetail } from "@/lib/data/audit";
import { json } from "@/lib/audit/http";
import { readRefusal } from "@/lib/http/read-access";

export const dynamic = "force-dynamic";

/** One audit event with its diff, control-plane request/response and links (404 when it is not yours to see). */
export async function GET(_req: Request, { params }: { params: Promise<{ seq: string }> }) {
  const { seq } = await params;
  if (!/^\d{1,18}$/.test(seq)) return json({ ok: false, code: "INVALID", message: "Not an event number." }, { status: 400 });
  const actor = await currentActor().catch(() => null);
  const refused = await readRefusal(actor, "audit.view.own", "GET /api/audit/events/[seq]");
  if (refused) return refused;
  const detail = await getAuditEventDetail(actor!, BigInt(seq));
  if (!detail) return json({ ok: false, code: "NOT_FOUND", message: "There is no such event, or it is not one you may see." }, { status: 404 });
  return json(detail);
}
