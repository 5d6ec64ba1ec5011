import type { Db } from "../db";
import { log } from "../log";
import { clearScenarios, drillTarget } from "../runs/drills";

const MAX_ATTEMPTS = 8;

/**
 * `text` for a chat tool's incoming webhook, so a person's words (a name, an escalation reason) cannot ping a whole
 * channel or show a link under a false label, whichever tool receives it. Slack: & < > become entities, so
 * `<!channel>` and `<https://…|label>` stay text. Mattermost, Discord, Teams: an invisible zero-width space after
 * the "@" of @channel, @here, @everyone and @all, and after a "]" that would start a Markdown link's target
 * (`](`, `][`, `]:`). The spaces are invisible and the entities render as & < > (the `text` field is Slack's
 * format, which the other tools' Slack-compatible webhooks follow), so people read what was typed.
 */
export function chatText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(?=everyone|here|(?:channel|all)\b)/gi, "@\u200b")
    .replace(/\](?=[([:])/g, "]\u200b");
}

/** The webhook's JSON: the payload with its `text` made safe for chat; the run's `url` and the data fields as stored. */
function webhookBody(kind: string, payload: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { kind, ...(payload as object) };
  if (typeof body.text === "string") body.text = chatText(body.text);
  return body;
}

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
        body: JSON.stringify(webhookBody(n.kind, n.payload)),
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
