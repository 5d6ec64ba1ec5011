import type { Db } from "../db";
import { log } from "../log";
import { clearScenarios, drillTarget } from "../runs/drills";

const MAX_ATTEMPTS = 8;

/**
 * Delivers queued notifications to the configured webhook as a generic JSON POST (`{"text": …, …}`, which chat
 * tools' incoming webhooks accept). Retries with backoff; without a webhook configured they are marked as such.
 */
export async function deliverNotifications(client: Db, webhookUrl: string | undefined, now = new Date(), fetchImpl: typeof fetch = fetch): Promise<number> {
  const due = await client.notification.findMany({ where: { state: "PENDING", nextAttemptAt: { lte: now } }, orderBy: { createdAt: "asc" }, take: 20 });
  let delivered = 0;
  for (const n of due) {
    if (n.kind === "drill.ended") {
      // Not a webhook: take the drill's scenario out of the simulator.
      const target = drillTarget();
      try {
        if ("url" in target) await clearScenarios(target.url);
        await client.notification.update({ where: { id: n.id }, data: { state: "DELIVERED", deliveredAt: now, attempts: { increment: 1 } } });
      } catch (e) {
        await client.notification.update({ where: { id: n.id }, data: { attempts: { increment: 1 }, lastError: e instanceof Error ? e.message : String(e), nextAttemptAt: new Date(now.getTime() + 5_000) } });
      }
      continue;
    }
    if (!webhookUrl) {
      await client.notification.update({ where: { id: n.id }, data: { state: "NO_WEBHOOK", lastError: "PORTAL_NOTIFY_WEBHOOK_URL is not set" } });
      continue;
    }
    try {
      const res = await fetchImpl(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-portal-notification-id": n.id },
        body: JSON.stringify({ kind: n.kind, ...(n.payload as object) }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
      await client.notification.update({ where: { id: n.id }, data: { state: "DELIVERED", deliveredAt: now, attempts: { increment: 1 }, lastError: null } });
      delivered++;
    } catch (e) {
      const attempts = n.attempts + 1;
      const message = e instanceof Error ? e.message : String(e);
      log.warn("notification.failed", { id: n.id, attempts, err: message });
      await client.notification.update({
        where: { id: n.id },
        data: { attempts, lastError: message, state: attempts >= MAX_ATTEMPTS ? "FAILED" : "PENDING", nextAttemptAt: new Date(now.getTime() + Math.min(2 ** attempts * 1_000, 300_000)) },
      });
    }
  }
  return delivered;
}
