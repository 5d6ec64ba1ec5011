/**
 * A whole-chain verification reads every event, so one runs at a time in the whole portal: a second request in
 * this process joins the one running (and gets its result); a request while another replica verifies is told so
 * instead of starting a second walk. The replica-wide guard is a transaction-scoped advisory lock held for the walk.
 */
import { ActionError } from "../actions/result";
import { sqlTransaction, type Db } from "../db";

/** Advisory lock id of the whole-chain verification (the other ids: relay, jobs, head signer, audit_append 7_231_001). */
export const VERIFY_CHAIN_LOCK_ID = 7_231_005;

let running: Promise<unknown> | null = null;

export function verifyChainOnce<T>(client: Db, verify: () => Promise<T>): Promise<T> {
  if (running) return running as Promise<T>;
  const walk = sqlTransaction(async (sql) => {
    const [{ locked }] = await sql<{ locked: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS locked", [VERIFY_CHAIN_LOCK_ID]);
    if (!locked) throw new ActionError("CONFLICT", "A verification of the whole chain is already running on another replica. Its result will be in the audit log as \"audit.chain.verified\"; try again when it has finished.");
    return verify();
  }, client).finally(() => {
    running = null;
  });
  running = walk;
  return walk;
}
