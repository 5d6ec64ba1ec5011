/**
 * A whole-chain verification reads every event, so one runs at a time in the whole portal: a second request in
 * this process joins the one running (and gets its result); a request while another replica verifies is told so
 * instead of starting a second walk. The replica-wide guard is a transaction-scoped advisory lock held for the walk.
 */
import { ActionError } from "../actions/result";
import { sqlTransaction, type Db } from "../db";
import { LOCK_IDS } from "../locks";


let running: Promise<unknown> | null = null;

export function verifyChainOnce<T>(client: Db, verify: () => Promise<T>): Promise<T> {
  if (running) return running as Promise<T>;
  const walk = sqlTransaction(async (sql) => {
    const [{ locked }] = await sql<{ locked: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS locked", [LOCK_IDS.verifyChain]);
    if (!locked) throw new ActionError("CONFLICT", "A verification of the whole chain is already running on another replica. Its result will be in the audit log as \"audit.chain.verified\"; try again when it has finished.");
    return verify();
  }, client).finally(() => {
    running = null;
  });
  running = walk;
  return walk;
}
