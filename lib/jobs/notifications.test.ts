import { describe, expect, it } from "vitest";
import type { Db } from "../db";
import { deliverNotifications } from "./notifications";

const ZWSP = "\u200b";

/** Delivers one queued notification with this payload and returns the JSON body the webhook received. */
async function delivered(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const row = { id: "00000000-0000-4000-8000-000000000001", kind: "run.escalated", payload, attempts: 0 };
  const client = { notification: { findMany: async () => [row], update: async () => row } } as unknown as Db;
  let body = "";
  const hook = (async (_url: string, init: RequestInit) => {
    body = String(init.body);
    return new Response(null, { status: 204 });
  }) as typeof fetch;
  expect(await deliverNotifications(client, "https://chat.example/hook", new Date(), hook)).toBe(1);
  return JSON.parse(body) as Record<string, unknown>;
}

describe("escalation text sent to the chat webhook", () => {
  const url = "https://ops.example.com/runs/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed";

  it("cannot ping everyone or hide a link in Slack (<!channel>, <url|label>, & entities)", async () => {
    const body = await delivered({ text: "Escalation by Sam: RB-CORE-001 → L2. <!channel> see <https://evil.example|the run> & <@U123>", url });
    expect(body.text).toBe("Escalation by Sam: RB-CORE-001 → L2. &lt;!channel&gt; see &lt;https://evil.example|the run&gt; &amp; &lt;@U123&gt;");
  });

  it("cannot ping a channel or hide a link in Markdown chats (Mattermost, Discord, Teams)", async () => {
    const body = await delivered({ text: "Cause unclear @channel @here @Everyone @all x@everyone, see [the run](https://evil.example) or [run][1]\n[1]: https://evil.example — @allison [sic] stays", url });
    expect(body.text).toBe(
      `Cause unclear @${ZWSP}channel @${ZWSP}here @${ZWSP}Everyone @${ZWSP}all x@${ZWSP}everyone, see [the run]${ZWSP}(https://evil.example) or [run]${ZWSP}[1]\n[1]${ZWSP}: https://evil.example — @allison [sic] stays`,
    );
  });

  it("leaves the portal's own link to the run and the other fields as they are", async () => {
    const body = await delivered({ text: "Escalation by Sam: RB-CORE-001 Flow Failure Response → L2 (Engineering TL). Cause unclear", url, reason: "<!here>", runbookId: "RB-CORE-001" });
    expect(body).toEqual({ kind: "run.escalated", text: "Escalation by Sam: RB-CORE-001 Flow Failure Response → L2 (Engineering TL). Cause unclear", url, reason: "<!here>", runbookId: "RB-CORE-001" });
  });
});
