/**
 * Records a signed chain head periodically, in whichever replica holds the head signer's advisory lock (the same
 * leader loop the background jobs use), whenever events were appended since the last head, and anchors it outside
 * the database (lib/audit/anchor.ts).
 */
import { db as defaultDb, type Db } from "../db";
import { log } from "../log";
import { LOCK_IDS } from "../locks";
import { startLeaderLoop, type LeaderLoopHandle } from "../jobs/leader-loop";
import { insertHead, prepareHead } from "./heads";
import { anchorHead, flushWebhook } from "./anchor";


/** One pass: signs a head over the events appended since the last one. Returns the new head's seq, or null. */
export async function signHeadIfAdvanced(key: string, client: Db = defaultDb(), reason = "periodic"): Promise<bigint | null> {
  const [last, latest] = await Promise.all([
    client.chainHead.findFirst({ orderBy: [{ seq: "desc" }, { id: "desc" }], select: { seq: true } }),
    client.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }),
  ]);
  if (!latest || (last && last.seq >= latest.seq)) return null;
  const prepared = await prepareHead(client, client, key);
  if (!prepared.ok) {
    log.error("audit.head.not_signed", { reason, message: prepared.message });
    return null;
  }
  const head = await insertHead(client, key, prepared, reason);
  log.info("audit.head.signed", { seq: head.seq, reason, verifiedEvents: prepared.verified.count });
  await anchorHead(head);
  return head.seq;
}

export function startHeadSigner(opts: { key: string; intervalMs: number; databaseUrl?: string }): LeaderLoopHandle {
  return startLeaderLoop({
    name: "audit head signer",
    lockId: LOCK_IDS.headSigner,
    intervalMs: opts.intervalMs,
    databaseUrl: opts.databaseUrl,
    pass: async () => {
      await signHeadIfAdvanced(opts.key);
      // Heads the webhook has not accepted yet (a failed or slow receiver) are retried here too.
      void flushWebhook();
      return false;
    },
  });
}
