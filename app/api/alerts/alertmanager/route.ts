import { timingSafeEqual } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { alertmanagerPayloadSchema } from "@/lib/validation/incidents";
import { storable } from "@/lib/validation/storable";
import { ingestAlertmanager } from "@/lib/incidents/alertmanager";
import { db } from "@/lib/db";
import { recordAnonymousRefusal, requestSource, sourceOf } from "@/lib/http/anonymous-refusals";
import { BODY_LIMITS } from "@/lib/http/perimeter";
import { LIMITS } from "@/lib/http/rate-limit";
import { rateLimited, readJsonBody } from "@/lib/next/json-route";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

function tokenMatches(header: string | null, expected: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer\s+/i, "") ?? "");
  const want = Buffer.from(expected);
  return given.length === want.length && timingSafeEqual(given, want);
}

/**
 * Alertmanager's webhook receiver (payload version 4), protected by a bearer token (ALERTMANAGER_WEBHOOK_TOKEN).
 * Idempotent by group key and alert fingerprint; a malformed payload gets 400 with the reason and stores nothing.
 */
export async function POST(req: NextRequest) {
  const expected = process.env.ALERTMANAGER_WEBHOOK_TOKEN;
  if (!expected) return NextResponse.json({ message: "The alert webhook is not configured (ALERTMANAGER_WEBHOOK_TOKEN)." }, { status: 503 });
  if (!tokenMatches(req.headers.get("authorization"), expected)) {
    // Not a person's act: logged and counted, and at most one summary per source per minute in the audit chain.
    await recordAnonymousRefusal({ ...requestSource(req.headers), endpoint: "POST /api/alerts/alertmanager", reason: "wrong or missing bearer token" });
    return NextResponse.json({ message: "Wrong or missing bearer token." }, { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="alertmanager"' } });
  }
  const limited = await rateLimited(LIMITS.webhook, sourceOf(req.headers), "webhook calls this minute");
  if (limited) return limited;
  const body = await readJsonBody(req, BODY_LIMITS.webhook);
  if ("status" in body) return NextResponse.json({ message: body.message }, { status: body.status });
  // Labels and annotations are stored as jsonb, which holds no NUL or lone surrogate (lib/validation/storable.ts).
  const parsed = alertmanagerPayloadSchema.safeParse(storable(body.value));
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "payload"}: ${i.message}`).join("; ");
    log.warn("alerts.malformed", { reason });
    return NextResponse.json({ message: `Malformed Alertmanager payload: ${reason}` }, { status: 400 });
  }
  const result = await ingestAlertmanager(db(), parsed.data);
  log.info("alerts.ingested", { groupKey: parsed.data.groupKey, ...result });
  return NextResponse.json({ ok: true, ...result });
}
